import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { desiredFleet } from "../../src/automation/rollout-changes";
import { RolloutStore } from "../../src/automation/rollout-store";
import { generatedFleet } from "../../src/bench/plan-bench";
import { EXIT } from "../../src/cli/format";
import { fleet, scratchProject } from "../cli/run";
import { hostKey, startFakeNodes, type FakeMode } from "../health/fake-nodes";
import { ORIGINAL_PATH } from "./harness";
import { deployedFleet } from "./rollout-fleet";
import { STAND_IN_BIN, standIn } from "./stand-in/scenario";

// `fleet rollout` end to end in this process: the stand-in `pulumi` (see provisioningUpdate
// in ./stand-in/pulumi) deploys the waves, fake nodes on loopback answer the health rounds.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  process.env.PATH = ORIGINAL_PATH;
  for (const name of ["STANDIN_DIR", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "NODE_FLEET_AUDIT_FILE"]) delete process.env[name];
});

async function setUp(count: number, mode: (hostname: string) => FakeMode) {
  const project = scratchProject({ "Pulumi.prd.yaml": join(__dirname, "../../Pulumi.prd.yaml") });
  cleanups.push(project.cleanup);
  writeFileSync(join(project.dir, "fleet.yaml"), generatedFleet(count));
  mkdirSync(join(project.dir, "ansible"));
  writeFileSync(join(project.dir, "ansible/site.yml"), "- hosts: all\n");
  const desired = desiredFleet(project.dir, "prd");
  const hosts = desired.nodes.map((n) => n.hostname).sort();
  const deployed = deployedFleet(desired);
  const s = standIn({ version: "3.248.0", stacks: ["prd"], operations: {}, outputs: {}, history: [], deployment: deployed.deployment,
    provisioning: { digests: deployed.digests } });
  cleanups.push(s.cleanup);
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  process.env.PULUMI_BACKEND_URL = `file://${s.dir}/state`;
  process.env.PULUMI_CONFIG_PASSPHRASE = "stand-in passphrase";
  process.env.NODE_FLEET_AUDIT_FILE = join(s.dir, "audit.jsonl");
  const key = hostKey();
  const address = (i: number) => `127.19.0.${i + 1}`;
  const nodes = await startFakeNodes(hosts.map((h, i) => ({ address: address(i), hostKey: key, mode: mode(h) })));
  cleanups.push(() => nodes.stop());
  const targets = join(project.dir, "targets.json");
  writeFileSync(targets, JSON.stringify(Object.fromEntries(hosts.map((h, i) => [h, { address: address(i), hostKey: key.line }]))));
  const stateDir = mkdtempSync(join(s.dir, "state-"));
  return {
    hosts, stateDir,
    run: (...args: string[]) => fleet("rollout", "--stack", "prd", "--project", project.dir, "--targets", targets, "--state-dir", stateDir, "--soak", "0", ...args),
    provisioned: () => (existsSync(join(s.dir, "provisioned")) ? readFileSync(join(s.dir, "provisioned"), "utf8").trim().split("\n") : []),
  };
}

describe("fleet rollout", () => {
  it("halts with exit 3 when the canary fails its health round, and touches no other node", async () => {
    const t = await setUp(6, () => "not-ssh");
    const run = await t.run();
    expect(run.code).toBe(EXIT.operationFailed);
    expect(t.provisioned()).toEqual([t.hosts[0]]);
    expect(run.stderr).toContain(`fleet rollout: HALTED wave 1/4 (canary): 1 of 1 nodes failed the health round, 0 tolerated: ${t.hosts[0]} (health: `);
  }, 60_000);

  it("rolls out to every healthy node, skipping an excluded one, and exits 0", async () => {
    const t = await setUp(6, () => "ok");
    const run = await t.run("--exclude", t.hosts[2]!);
    expect(run.stderr).toContain(`fleet rollout: deferred ${t.hosts[2]}: excluded (--exclude)`);
    expect(run.code).toBe(EXIT.ok);
    expect(t.provisioned()).toEqual(t.hosts.filter((h) => h !== t.hosts[2]));
  }, 60_000);

  it("refuses with exit 6 while another rollout of the stack runs", async () => {
    const t = await setUp(2, () => "ok");
    cleanups.push(new RolloutStore(join(t.stateDir, "prd"), "prd").lock());
    const run = await t.run();
    expect(run.code).toBe(EXIT.stateLocked);
    expect(run.stderr).toMatch(/^fleet rollout: refused: a rollout of stack prd runs already \(pid \d+ on /);
    expect(t.provisioned()).toEqual([]);
  }, 60_000);
});
