import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { rollout } from "../src/automation/rollout";
import { changesOf } from "../src/automation/rollout-changes";
import { splitDeferred } from "../src/rollout/deferral";
import { ROLLOUT_DEFAULTS } from "../src/rollout/settings";
import { planWaves } from "../src/rollout/waves";
import { ORIGINAL_PATH } from "../test/automation/harness";
import { fakeFleet } from "../test/automation/rollout-fleet";
import { STAND_IN_BIN, standIn } from "../test/automation/stand-in/scenario";

// `npm run bench:rollout`: a change that re-provisions every node of a 1,000-node stack,
// rolled out through the library against the stand-in `pulumi` (each wave one targeted
// update, as against the real CLI), with an immediate health gate and no soak: the time
// the rollout adds beyond its deployments is the total less the waves' `pulumi up`s.
const cleanups: (() => void)[] = [];
afterAll(() => { for (const c of cleanups) c(); process.env.PATH = ORIGINAL_PATH; });

it("rolls a change out over 1,000 nodes in four targeted deployments", async () => {
  const fleet = fakeFleet(1000);
  const s = standIn({ version: "3.248.0", stacks: ["prd"], operations: {}, outputs: {}, history: [], deployment: fleet.deployment,
    provisioning: { digests: fleet.digests } });
  cleanups.push(s.cleanup);
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  const stateDir = mkdtempSync(join(tmpdir(), "rollout-bench-"));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));

  const planStarted = process.hrtime.bigint();
  const { steps, conditions } = changesOf(fleet.deployment, fleet.desired());
  const waves = planWaves(splitDeferred(steps.map((x) => x.hostname), conditions, []).eligible, ROLLOUT_DEFAULTS);
  const planMs = Number(process.hrtime.bigint() - planStarted) / 1e6;

  const started = Date.now();
  const report = await rollout({ stack: "prd", env: { PULUMI_BACKEND_URL: `file://${s.dir}/state`, PULUMI_CONFIG_PASSPHRASE: "bench" }, auditSinks: [] },
    { stateDir, desired: fleet.desired(), settings: { soakSeconds: 0 }, checkWave: async () => ({}) });
  const total = (Date.now() - started) / 1000;
  const deployments = report.waves.reduce((sum, w) => sum + w.deploymentSeconds, 0);
  const ups = s.calls().filter((c) => c.args[0] === "up").length;
  console.log(`rollout of 1,000 nodes: waves ${report.waves.map((w) => `${w.name} ${w.hosts.length}`).join(", ")}; ${ups} targeted deployments; ` +
    `total ${total.toFixed(2)} s, deployments ${deployments.toFixed(2)} s, rollout logic ${(total - deployments).toFixed(2)} s ` +
    `(${((total - deployments) / report.waves.length).toFixed(2)} s a wave; digests and wave plan ${planMs.toFixed(1)} ms); ` +
    `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  expect(waves.map((w) => w.hosts.length)).toEqual([1, 50, 250, 699]);
  expect(report.waves.map((w) => w.hosts.length)).toEqual([1, 50, 250, 699]);
  expect(ups).toBe(4);
  expect(report.state).toBe("finished");
}, 600_000);
