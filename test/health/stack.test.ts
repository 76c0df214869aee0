import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../src/audit/event";
import { FleetAutomation, type Report } from "../../src/automation/operations";
import { healthCommand, type HealthOptions } from "../../src/cli/commands/health";
import type { Incident } from "../../src/health/model";
import { DEFAULT_SAFEGUARDS } from "../../src/health/safeguards";
import { automationNodeOperations, connectStack, outputsAddressSource } from "../../src/health/stack";
import { correlationId } from "../../src/plan/correlation";
import { argsOf, baseScenario, ORIGINAL_PATH } from "../automation/harness";
import { recordStack, type StackResource } from "../automation/stand-in/record-urns";
import { deploymentOf, Events, idOf, nodeOf, STAND_IN_BIN, standIn, type Call, type Scenario } from "../automation/stand-in/scenario";
import { fakeHetznerApi, type FakeHetzner } from "../automation/hetzner-api";
import { scratchProject } from "../cli/run";
import { bundledCatalog } from "../helpers";

// `fleet health` connected to a stack through the Automation API library, against the
// stand-in `pulumi` (test/automation/stand-in): addresses from `stack output`, recovery
// through `up`. The node on 127.12.9.1 refuses everything (nothing listens there).
const HOST = "prd-sha-het-de-fsn1-001";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE3+fake+key+for+tests+only+000000000000000";
const CERT = "3F:9A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA";
const STACK_ENV = { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "stand-in passphrase" };
let resources: StackResource[];
let project: ReturnType<typeof scratchProject>;
let state: string;
let cleanup: (() => void) | undefined;

beforeAll(async () => {
  resources = await recordStack("prd");
  project = scratchProject({ "Pulumi.prd.yaml": join(__dirname, "../../Pulumi.prd.yaml") });
  writeFileSync(join(project.dir, "fleet.yaml"), `nodes:\n  ${HOST}: { size: cpx22, image: debian-12 }\n`);
});
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
  process.env.PATH = ORIGINAL_PATH;
  delete process.env.STANDIN_DIR;
  rmSync(state, { recursive: true, force: true });
});
afterAll(() => project.cleanup());

/** The stand-in first on PATH, answering with this scenario; a fresh health state. */
function useStandIn(scenario: Scenario): { calls: () => Call[] } {
  const s = standIn(scenario);
  cleanup = s.cleanup;
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  state = mkdtempSync(join(tmpdir(), "fleet-health-stack-"));
  return { calls: s.calls };
}

const withOutputs = (over: Partial<Scenario> = {}): Scenario => baseScenario(resources, {
  outputs: {
    environment: { value: "prd", secret: false },
    nodes: { value: { [HOST]: { fqdn: `${HOST}.infra.example.com`, ipv4: "127.12.9.1", ipv6: "::1", serverId: "40000004", hostPublicKey: KEY, panelCertSha256: CERT } }, secret: false },
    panelPasswords: { value: { [HOST]: "panel-secret-from-outputs" }, secret: true },
  },
  ...over,
});

const opts = (): HealthOptions => ({
  stack: "prd", projectDir: project.dir, stateDir: state, json: true, watch: false, intervalSeconds: 60, heal: true,
  timeoutSeconds: 1, concurrency: 4, certDays: 14,
  // The outputs carry no creation time (hcloud's Server has none), so grace would count from the first check.
  safeguards: { ...DEFAULT_SAFEGUARDS, graceMinutes: 0, failures: 1, failureMinutes: 0 },
});

async function runHealth(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await healthCommand({ out: (l) => out.push(l), err: (l) => err.push(l) }, bundledCatalog(), opts(), { connect: connectStack }, env);
  return { code, out, err };
}

function incidentOf(): Incident {
  const saved = JSON.parse(readFileSync(join(state, "prd", "state.json"), "utf8")) as { nodes: { hostname: string; incident?: Incident }[] };
  return saved.nodes.find((n) => n.hostname === HOST)!.incident!;
}

describe("fleet health --heal connected to the stack", () => {
  it("finds the node at its address from `stack output` and re-provisions it through `up` under the incident's correlation id", async () => {
    const { calls } = useStandIn(withOutputs({ operations: { up: { events: new Events().summary({ replace: 1 }, 1_790_000_000).list } } }));
    const { code, err } = await runHealth(STACK_ENV);
    expect(code).toBe(5);
    const provision = nodeOf(resources, HOST)("provision").urn;
    const args = argsOf(calls());
    expect(args.filter((a) => a[0] === "stack" && a[1] === "output")).toContainEqual(["stack", "output", "--json", "--show-secrets", "--stack", "prd", "--non-interactive"]);
    const up = calls().find((c) => c.args[0] === "up")!;
    expect(up.args).toEqual(expect.arrayContaining(["--replace", provision, "--target", provision]));
    expect(up.args.filter((a) => a === "--replace" || a === "--target")).toHaveLength(2);
    expect(up.args[up.args.indexOf("--message") + 1]).toMatch(new RegExp(`^fleet health: re-provision ${HOST} \\(incident ${HOST}@.*\\) \\[correlation ${correlationId(HOST, 0)}\\]$`));
    expect(up.env).toMatchObject({ NODE_CORRELATION_ID: correlationId(HOST, 0), NODE_FORCE_PROVISION: "1" });
    // HOST is protected in prd: only its provisioning step is unprotected for the update.
    expect(args.find((a) => a[0] === "state")).toEqual(["state", "unprotect", "--yes", "--stack", "prd", provision, "--non-interactive"]);
    const incident = incidentOf();
    expect(incident.attempts).toEqual([expect.objectContaining({ step: "reprovision", ok: true,
      detail: expect.stringMatching(new RegExp(`^re-provisioned ${HOST} in [\\d.]+ s \\(replace 1; correlation ${correlationId(HOST, 0)}\\)$`)) })]);
    const audit = readFileSync(join(state, "prd", "operations-audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditEvent);
    expect(audit.map((a) => [a.type, a.operation, a.node, a.correlationId, a.incidentId])).toEqual([
      ["operation.started", "reprovision", HOST, correlationId(HOST, 0), incident.id],
      ["operation.succeeded", "reprovision", HOST, correlationId(HOST, 0), incident.id],
    ]);
    expect(err.join("\n")).not.toContain("panel-secret-from-outputs");
  });

  it("records the CLI's error as the failed step when the re-provision fails", async () => {
    useStandIn(withOutputs({ operations: { up: { events: [], exitCode: 255, stderr: "error: provision exited 4" } } }));
    await runHealth(STACK_ENV);
    expect(incidentOf().attempts).toEqual([expect.objectContaining({ step: "reprovision", ok: false, detail: "error: provision exited 4" })]);
  });

  it("counts no attempt when a deployment holds the stack's lock through every retry: not now, the ladder stays on its rung", async () => {
    useStandIn(withOutputs({ operations: { up: { events: [], lockedTimes: 99 } } }));
    await runHealth(STACK_ENV);
    const incident = incidentOf();
    expect(incident.attempts).toEqual([]);
    expect(incident.nextStepAt).toBeGreaterThan(Date.now());
    const events = readFileSync(join(state, "prd", "events.jsonl"), "utf8");
    expect(events).toMatch(/not now: a deployment holds the stack's lock .*currently locked.*; the step is tried again later/);
  }, 60_000);
});

describe("fleet health reads Hetzner's protection of the nodes the program protects", () => {
  async function withHetzner(unprotected: (api: FakeHetzner) => void) {
    const servers = resources.filter((r) => r.type === "hcloud:index/server:Server").map((r) => idOf(resources, r.name.slice(0, -"-server".length), "server"));
    const api = await fakeHetznerApi(servers, servers);
    unprotected(api);
    useStandIn(withOutputs());
    const previous = cleanup;
    cleanup = () => { api.close(); previous?.(); };
    const out: string[] = [];
    const err: string[] = [];
    const code = await healthCommand({ out: (l) => out.push(l), err: (l) => err.push(l) }, bundledCatalog(), { ...opts(), heal: false },
      { connect: connectStack }, { ...STACK_ENV, HCLOUD_TOKEN: "hc-token", HCLOUD_ENDPOINT: api.url });
    const report = JSON.parse(out[0]!) as { healthy: boolean; nodes: { hostname: string; protectionOff?: string[] }[] };
    return { code, report, err };
  }

  it("reports a protected node whose server a killed rebuild left unprotected, and alerts", async () => {
    const server = idOf(resources, HOST, "server");
    const { report, err } = await withHetzner((api) => api.unprotect(server));
    expect(report.nodes.find((n) => n.hostname === HOST)!.protectionOff).toEqual([
      `the program protects server ${server}, but its Hetzner delete and rebuild protection is off; turn it on again: hcloud server enable-protection ${server} delete rebuild`]);
    expect(report.healthy).toBe(false);
    expect(err).toContain(`protection.off ${HOST}: the program protects server ${server}, but its Hetzner delete and rebuild protection is off; ` +
      `turn it on again: hcloud server enable-protection ${server} delete rebuild`);
  });

  it("reports nothing when Hetzner protects what the program protects", async () => {
    const { report, err } = await withHetzner(() => undefined);
    expect(report.nodes.find((n) => n.hostname === HOST)).not.toHaveProperty("protectionOff");
    expect(err.join("\n")).not.toMatch(/protection/);
  });
});

describe("fleet health without the Pulumi CLI", () => {
  it("checks the targets file's nodes and reports re-provision and rebuild as unavailable with the install hint", async () => {
    state = mkdtempSync(join(tmpdir(), "fleet-health-stack-"));
    process.env.PATH = "/nonexistent";
    const targets = join(state, "targets.json");
    writeFileSync(targets, JSON.stringify({ [HOST]: { address: "127.12.9.1", created: "2026-01-01T00:00:00Z" } }));
    const out: string[] = [];
    const err: string[] = [];
    const code = await healthCommand({ out: (l) => out.push(l), err: (l) => err.push(l) }, bundledCatalog(), { ...opts(), targets },
      { connect: connectStack }, {});
    expect(code).toBe(5);
    const hint = "the Pulumi CLI was not found on PATH; install the Pulumi CLI 3.208.0 or later: curl -fsSL https://get.pulumi.com | sh (https://www.pulumi.com/docs/install/)";
    expect(incidentOf().seen.at(-1)).toContain(`not tried: reprovision (${hint})`);
    expect(err).toContain(`fleet health: re-provision and rebuild unavailable: ${hint}`);
    expect(err.join("\n")).not.toMatch(/\n\s+at /);
  });
});

describe("the stack's outputs as an address source", () => {
  it("gives each asked node its address, second address (IPv6), pinned key, pinned panel certificate and panel password, and skips nodes the stack does not hold", async () => {
    useStandIn(withOutputs());
    const fleet = new FleetAutomation({ stack: "prd", projectDir: project.dir, env: STACK_ENV });
    const found = await outputsAddressSource(fleet, "prd").addresses([HOST, "prd-sha-het-de-fsn1-009"]);
    expect([...found]).toEqual([[HOST, { address: "127.12.9.1", secondAddress: "::1", hostKey: KEY, panelCertSha256: CERT, panelPassword: "panel-secret-from-outputs" }]]);
  });

  it("pins no panel certificate for a node provisioned without one (its output is empty): the password then goes nowhere", async () => {
    useStandIn(withOutputs({ outputs: { nodes: { value: { [HOST]: { ipv4: "127.12.9.1", hostPublicKey: KEY, panelCertSha256: "" } }, secret: false } } }));
    const fleet = new FleetAutomation({ stack: "prd", projectDir: project.dir, env: STACK_ENV });
    expect([...await outputsAddressSource(fleet, "prd").addresses([HOST])]).toEqual([[HOST, { address: "127.12.9.1", hostKey: KEY }]]);
  });

  it("fails with why when the stack's secrets cannot be read", async () => {
    useStandIn(withOutputs());
    const fleet = new FleetAutomation({ stack: "prd", projectDir: project.dir, env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state" } });
    await expect(outputsAddressSource(fleet, "prd").addresses([HOST])).rejects.toThrow(/^stack prd keeps its secrets with a passphrase/);
  });

  it("works with a stack deployed before host keys and passwords were exported", async () => {
    useStandIn(withOutputs({ outputs: { nodes: { value: { [HOST]: { ipv4: "127.12.9.1" } }, secret: false } } }));
    const fleet = new FleetAutomation({ stack: "prd", projectDir: project.dir, env: STACK_ENV });
    expect([...await outputsAddressSource(fleet, "prd").addresses([HOST])]).toEqual([[HOST, { address: "127.12.9.1" }]]);
  });
});

describe("recovery's rebuild through the library", () => {
  const ctx = { incidentId: `${HOST}@2026-11-22T06:00:00.000Z`, correlationId: correlationId(HOST, 0) };

  it("replaces an unprotected node's host key, server and provisioning under the incident's correlation id", async () => {
    const { calls } = useStandIn(withOutputs({ deployment: deploymentOf(resources, [HOST]),
      operations: { up: { events: new Events().summary({ replace: 2 }, 1_790_000_000).list } } }));
    const nodes = automationNodeOperations(new FleetAutomation({ stack: "prd", projectDir: project.dir, env: STACK_ENV }));
    expect(await nodes.rebuild(HOST, ctx)).toMatch(new RegExp(`^rebuilt ${HOST} in [\\d.]+ s \\(replace 2; correlation ${ctx.correlationId}\\)$`));
    const up = calls().find((c) => c.args[0] === "up")!;
    const node = nodeOf(resources, HOST);
    expect(up.args.filter((_, i) => up.args[i - 1] === "--replace")).toEqual([node("host-key").urn, node("server").urn, node("provision").urn]);
    expect(up.env.NODE_CORRELATION_ID).toBe(ctx.correlationId);
    expect(up.env.NODE_FORCE_PROVISION).toBeUndefined();
  });

  it("rejects with the library's refusal for a protected node, and passes no override", async () => {
    const { calls } = useStandIn(withOutputs());
    const nodes = automationNodeOperations(new FleetAutomation({ stack: "prd", projectDir: project.dir, env: STACK_ENV }));
    await expect(nodes.rebuild(HOST, ctx)).rejects.toThrow(`refused: node ${HOST} is protected; nothing was rebuilt`);
    expect(argsOf(calls()).some((a) => a[0] === "up" || a[0] === "state")).toBe(false);
  });
});

describe("a re-provision that meets another host key", () => {
  it("rejects as an identity refusal, which stops the ladder (model: pulumi-command local/commandOutputs.go run, exit status then output)", async () => {
    const failing = () => Promise.reject(new Error(`code: 255\n stderr: error: exit status 76: running "ansible/bin/provision":\n` +
      `provision: ${HOST}: 203.0.113.7 presented a host key that is not the pinned one; refusing to continue`));
    const nodes = automationNodeOperations({ reprovisionNode: failing, rebuildNode: failing });
    await expect(nodes.reprovision(HOST, { incidentId: "i", correlationId: "c" }))
      .rejects.toThrow(`identity refused: ${HOST} presented a host key that is not the pinned one (provisioning exit 76)`);
  });
});

describe("recovery steps of several nodes at once", () => {
  it("run one `pulumi up` at a time, since the stack has one lock, each under its own incident's correlation id", async () => {
    const log: string[] = [];
    const finish = new Map<string, () => void>();
    const operation = (what: string) => (hostname: string, opts: { correlationId?: string } = {}) => {
      log.push(`start ${what} ${hostname} ${opts.correlationId}`);
      return new Promise<Report>((resolve) => finish.set(hostname, () => {
        log.push(`end ${what} ${hostname}`);
        resolve({ operation: "reprovision", stack: "prd", correlationId: opts.correlationId!, durationSeconds: 1, changes: {}, nodes: {}, phases: [] });
      }));
    };
    const nodes = automationNodeOperations({ reprovisionNode: operation("reprovision"), rebuildNode: operation("rebuild") });
    const other = "prd-sha-het-fi-hel1-001";
    const first = nodes.reprovision(HOST, { incidentId: "i-1", correlationId: "c-1" });
    const second = nodes.rebuild(other, { incidentId: "i-2", correlationId: "c-2" });
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual([`start reprovision ${HOST} c-1`]);
    finish.get(HOST)!();
    await first;
    await new Promise((r) => setTimeout(r, 20));
    finish.get(other)!();
    await second;
    expect(log).toEqual([`start reprovision ${HOST} c-1`, `end reprovision ${HOST}`, `start rebuild ${other} c-2`, `end rebuild ${other}`]);
  });

  it("go on with the next node after one fails", async () => {
    let calls = 0;
    const nodes = automationNodeOperations({
      reprovisionNode: () => (++calls === 1 ? Promise.reject(new Error("error: provision exited 4")) : Promise.resolve(
        { operation: "reprovision", stack: "prd", correlationId: "c-2", durationSeconds: 2, changes: { replace: 1 }, nodes: {}, phases: [] } as Report)),
      rebuildNode: () => Promise.reject(new Error("not expected")),
    });
    const results = await Promise.allSettled([nodes.reprovision(HOST, { incidentId: "i-1", correlationId: "c-1" }),
      nodes.reprovision("prd-sha-het-fi-hel1-001", { incidentId: "i-2", correlationId: "c-2" })]);
    expect(results).toEqual([{ status: "rejected", reason: new Error("error: provision exited 4") },
      { status: "fulfilled", value: "re-provisioned prd-sha-het-fi-hel1-001 in 2 s (replace 1; correlation c-2)" }]);
  });
});
