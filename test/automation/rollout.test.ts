import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rollout, type RolloutOptions } from "../../src/automation/rollout";
import { RolloutLockedError, RolloutStore } from "../../src/automation/rollout-store";
import type { AuditEvent } from "../../src/audit/event";
import { jsonLinesSink } from "../../src/audit/sinks";
import type { FleetAutomationOptions } from "../../src/automation/runner";
import { FleetAutomation } from "../../src/automation/operations";
import { argsOf, ORIGINAL_PATH } from "./harness";
import { fakeFleet, type FakeFleet } from "./rollout-fleet";
import { STAND_IN_BIN, standIn, type Call, type Scenario } from "./stand-in/scenario";

// The stand-in `pulumi` selects the steps of an update as the engine does (pulumi v3.248.0
// pkg/resource/deploy/step_generator.go isIncludedInOperation / isTargetedForUpdate /
// isExcludedFromUpdate, pkg/resource/deploy/deployment_executor.go checkTargets): see
// provisioningUpdate in ./stand-in/pulumi. Fake nodes answer the health gate.

interface Run {
  readonly fleet: FakeFleet;
  readonly dir: string;
  readonly stateDir: string;
  readonly options: FleetAutomationOptions;
  /** Hostnames whose provisioning step ran, in order. */
  provisioned(): string[];
  readonly calls: () => Call[];
  targetsOfUpdates(): string[][];
  audit(): AuditEvent[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  process.env.PATH = ORIGINAL_PATH;
});

function setUp(count: number, failing: string[] = []): Run {
  const fleet = fakeFleet(count);
  const scenario: Scenario = {
    version: "3.248.0", stacks: ["prd"], operations: {}, outputs: {}, history: [], deployment: fleet.deployment,
    provisioning: { digests: fleet.digests, failing },
  };
  const s = standIn(scenario);
  cleanups.push(s.cleanup);
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  const auditFile = join(s.dir, "audit.jsonl");
  return {
    fleet, dir: s.dir, stateDir: mkdtempSync(join(s.dir, "state-")),
    options: {
      stack: "prd", env: { PULUMI_BACKEND_URL: `file://${s.dir}/state`, PULUMI_CONFIG_PASSPHRASE: "stand-in passphrase" },
      auditSinks: [jsonLinesSink(auditFile)], actor: "ci:deploy", lockRetry: { attempts: 1, baseDelayMs: 1 }, sleep: async () => undefined,
    },
    calls: s.calls,
    provisioned: () => (existsSync(join(s.dir, "provisioned")) ? readFileSync(join(s.dir, "provisioned"), "utf8").trim().split("\n") : []),
    targetsOfUpdates: () => argsOf(s.calls()).filter((a) => a[0] === "up").map((a) => a.flatMap((x, i) => (a[i - 1] === "--target" ? [x] : []))),
    audit: () => (existsSync(auditFile) ? readFileSync(auditFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditEvent) : []),
  };
}

const opts = (run: Run, over: Partial<RolloutOptions> = {}): RolloutOptions => ({
  stateDir: run.stateDir, desired: run.fleet.desired(), settings: { soakSeconds: 0 }, ...over,
});

describe("rollout", () => {
  it("deploys a canary, 5%, 25% and the rest, each a targeted update of exactly its nodes' provisioning steps", async () => {
    const run = setUp(40);
    const report = await rollout(run.options, opts(run));
    expect(report.state).toBe("finished");
    expect(report.waves.map((w) => [w.name, w.hosts.length])).toEqual([["canary", 1], ["5%", 2], ["25%", 10], ["rest", 27]]);
    expect(run.targetsOfUpdates()).toEqual(report.waves.map((w) => w.hosts.map((h) => run.fleet.provisionUrn(h))));
    expect(run.provisioned()).toEqual(run.fleet.hosts);
  });

  it("halts when the canary fails, touching no other node, and tells why", async () => {
    const run = setUp(40, ["prd-sha-het-de-fsn1-001"]);
    const lines: string[] = [];
    const report = await rollout(run.options, opts(run, { onProgress: (l) => lines.push(l) }));
    expect(report.state).toBe("halted");
    expect(run.provisioned()).toEqual(["prd-sha-het-de-fsn1-001"]);
    expect(report.haltedBecause).toBe("wave 1/4 (canary): 1 of 1 nodes failed provisioning or validation, 0 tolerated: prd-sha-het-de-fsn1-001 (role validate failed)");
    expect(lines.at(-1)).toContain("the remaining nodes are untouched; resume with `fleet rollout --stack prd`");
  });

  it("halts when the third wave loses more nodes than its budget, and a resumed run touches only the rest", async () => {
    const run = setUp(40, ["prd-sha-het-de-fsn1-005", "prd-sha-het-de-fsn1-006"]);
    const first = await rollout(run.options, opts(run));
    expect(first.state).toBe("halted");
    expect(first.waves.map((w) => [w.name, Object.keys(w.failed)])).toEqual([["canary", []], ["5%", []], ["25%", ["prd-sha-het-de-fsn1-005", "prd-sha-het-de-fsn1-006"]]]);
    const touched = run.provisioned();
    expect(touched).toEqual(run.fleet.hosts.slice(0, 13));

    // The operator fixes the cause; the resumed run retries the two and goes on with the rest.
    const scenario = JSON.parse(readFileSync(join(run.dir, "scenario.json"), "utf8")) as Scenario;
    scenario.provisioning!.failing = [];
    writeFileSync(join(run.dir, "scenario.json"), JSON.stringify(scenario));
    const second = await rollout(run.options, opts(run));
    expect(second.resumed).toBe(true);
    expect(second.correlationId).toBe(first.correlationId);
    expect(second.state).toBe("finished");
    expect(run.provisioned().slice(touched.length)).toEqual(["prd-sha-het-de-fsn1-005", "prd-sha-het-de-fsn1-006", ...run.fleet.hosts.slice(13)]);
  });

  it("audits every wave under the one correlation id", async () => {
    const run = setUp(10);
    const report = await rollout(run.options, opts(run));
    const ends = run.audit().filter((a) => a.type === "operation.succeeded");
    expect(ends.map((a) => [a.operation, a.correlationId])).toEqual(report.waves.map(() => ["rollout", report.correlationId]));
  });

  it("refuses a second rollout of the stack while one runs, touching nothing", async () => {
    const run = setUp(10);
    const release = new RolloutStore(run.stateDir, "prd").lock();
    cleanups.push(release);
    await expect(rollout(run.options, opts(run))).rejects.toThrow(RolloutLockedError);
    expect(run.provisioned()).toEqual([]);
  });

  it("refuses a second rollout started while the first is in its health round", async () => {
    const run = setUp(10);
    let second: Promise<unknown> | undefined;
    await rollout(run.options, opts(run, {
      checkWave: async () => {
        second ??= rollout(run.options, opts(run)).then(() => "ran", (e: unknown) => e);
        return {};
      },
    }));
    expect(await second).toBeInstanceOf(RolloutLockedError);
  });

  it("leaves nodes in maintenance, with an open incident, or excluded out of every wave", async () => {
    const run = setUp(10);
    const [a, b, c] = run.fleet.hosts;
    const report = await rollout(run.options, opts(run, {
      desired: run.fleet.desired([a!]), exclude: [b!], openIncidents: async () => new Map([[c!, `${c}@2026-12-03T10:00:00.000Z`]]),
    }));
    expect(report.deferred.map((d) => d.hostname)).toEqual([a, b, c]);
    expect(run.provisioned()).toEqual(run.fleet.hosts.slice(3));
    expect(report.deferredUrns).toEqual([a, b, c].map((h) => run.fleet.provisionUrn(h!)));
  });

  it("halts when the health round after the soak finds more unhealthy nodes than the wave tolerates", async () => {
    const run = setUp(40);
    const slept: number[] = [];
    const report = await rollout({ ...run.options, sleep: async (ms) => { slept.push(ms); } }, opts(run, {
      settings: { soakSeconds: 120 },
      checkWave: async (hosts) => (hosts.length === 2 ? Object.fromEntries(hosts.map((h) => [h, "down"])) : {}),
    }));
    expect(report.state).toBe("halted");
    expect(report.haltedBecause).toMatch(/^wave 2\/4 \(5%\): 2 of 2 nodes failed the health round, 1 tolerated/);
    expect(slept).toEqual([120_000, 120_000]);
    expect(run.provisioned()).toEqual(run.fleet.hosts.slice(0, 3));
  });

  it("does nothing when no deployed node's configuration changes", async () => {
    const run = setUp(5);
    const unchanged = { ...run.fleet.desired(), playbookDigest: "p1", nodes: run.fleet.desired().nodes.map((n) => ({ ...n, ansibleVars: { v: 1 } })) };
    const report = await rollout(run.options, opts(run, { desired: unchanged }));
    expect(report.state).toBe("nothing");
    expect(run.targetsOfUpdates()).toEqual([]);
  });
});

describe("fleet up with a change that re-provisions nodes", () => {
  it("re-provisions only the first wave, leaving the other provisioning steps out with --exclude, and says why", async () => {
    const run = setUp(10);
    const events: string[] = [];
    const fleet = new FleetAutomation({ ...run.options, onEvent: (e) => { if (e.kind === "notice") events.push(e.message); } });
    await fleet.up({ desired: run.fleet.desired() });
    const up = argsOf(run.calls()).find((a) => a[0] === "up")!;
    expect(up.flatMap((x, i) => (up[i - 1] === "--exclude" ? [x] : []))).toEqual(run.fleet.hosts.slice(1).map((h) => run.fleet.provisionUrn(h)));
    expect(run.provisioned()).toEqual([run.fleet.hosts[0]]);
    expect(events).toEqual([`this change re-provisions 10 nodes; this update re-provisions only ${run.fleet.hosts[0]} (a rollout's first wave) ` +
      "and leaves the provisioning steps of the other 9 as they are: roll it out with `fleet rollout --stack prd`, or deploy all at once with `fleet up --stack prd --all-at-once`"]);
  });

  it("re-provisions every node at once when told to", async () => {
    const run = setUp(10);
    await new FleetAutomation(run.options).up({ desired: run.fleet.desired(), allAtOnce: true });
    expect(argsOf(run.calls()).find((a) => a[0] === "up")).not.toContain("--exclude");
    expect(run.provisioned()).toEqual(run.fleet.hosts);
  });

  it("does not pick a node in maintenance as the first wave", async () => {
    const run = setUp(4);
    await new FleetAutomation(run.options).up({ desired: run.fleet.desired([run.fleet.hosts[0]!]) });
    expect(run.provisioned()).toEqual([run.fleet.hosts[1]]);
  });
});

/** The stand-in's provisioning update refuses what the engine refuses (pulumi v3.248.0). */
describe("the stand-in's targeted update", () => {
  const pulumi = (run: Run, ...args: string[]) =>
    spawnSync(join(STAND_IN_BIN, "pulumi"), ["up", "--yes", "--skip-preview", "--stack", "prd", ...args], { env: { ...process.env, STANDIN_DIR: run.dir }, encoding: "utf8" });

  it("refuses --target with --exclude, as the CLI marks them mutually exclusive (pkg/cmd/pulumi/operations/up.go)", () => {
    const run = setUp(2);
    const result = pulumi(run, "--target", run.fleet.provisionUrn(run.fleet.hosts[0]!), "--exclude", run.fleet.provisionUrn(run.fleet.hosts[1]!));
    expect(result.status).toBe(255);
    expect(result.stderr).toBe("error: if any flags in the group [target exclude] are set none of the others can be; [exclude target] were all set\n");
    expect(run.provisioned()).toEqual([]);
  });

  it("refuses a target the stack does not hold (deployment_executor.go checkTargets)", () => {
    const run = setUp(2);
    const result = pulumi(run, "--target", "urn:pulumi:prd::node-fleet::command:local:Command::gone");
    expect(result.status).toBe(255);
    expect(result.stderr).toBe("error: Target 'urn:pulumi:prd::node-fleet::command:local:Command::gone' could not be found in the stack.\n");
    expect(run.provisioned()).toEqual([]);
  });

  it("updates every changed step but the excluded ones, which keep their recorded digest", () => {
    const run = setUp(3);
    const excluded = run.fleet.provisionUrn(run.fleet.hosts[1]!);
    expect(pulumi(run, "--exclude", excluded).status).toBe(0);
    expect(run.provisioned()).toEqual([run.fleet.hosts[0], run.fleet.hosts[2]]);
    const checkpoint = JSON.parse(readFileSync(join(run.dir, "checkpoint.json"), "utf8")) as { deployment: { resources: { urn: string; inputs?: { environment?: Record<string, string> } }[] } };
    const digest = (urn: string) => checkpoint.deployment.resources.find((r) => r.urn === urn)!.inputs!.environment!.NODE_CONFIG_DIGEST;
    expect(digest(excluded)).not.toBe(run.fleet.digests[excluded]);
    expect(digest(run.fleet.provisionUrn(run.fleet.hosts[0]!))).toBe(run.fleet.digests[run.fleet.provisionUrn(run.fleet.hosts[0]!)]);
  });
});
