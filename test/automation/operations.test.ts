import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { OperationFailedError, OperationRefusedError, StackLockedError } from "../../src/automation/errors";
import { PROJECT_DIR } from "../../src/automation/workspace";
import { recordStack, type StackResource } from "./stand-in/record-urns";
import { createNodeEvents, deploymentOf, Events, marker, nodeOf, serverIdOf } from "./stand-in/scenario";
import { argsOf, baseScenario, harness, withEventLog, type Harness } from "./harness";
import { fakeHetznerApi } from "./hetzner-api";

const HOST = "prd-sha-het-de-fsn1-001";
const T0 = 1_790_000_000;
const ID = "req-2026-11-22.0042";
let resources: StackResource[];
let h: Harness | undefined;

beforeAll(async () => {
  resources = await recordStack("prd");
});
afterEach(() => h?.cleanup());

function deployEvents(opts: { failRole?: string; correlationId?: string } = {}): Events {
  return createNodeEvents(new Events(), resources, HOST, T0, opts).summary({ create: 12 }, T0 + 700);
}

describe("up", () => {
  it("runs exactly the Automation API's commands from the project directory, the update message carrying the correlation id", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    await h.fleet.up({ correlationId: ID });
    expect(argsOf(h.calls()).map(withEventLog)).toEqual([
      ["stack", "select", "--stack", "prd", "--non-interactive"],
      ["stack", "export", "--show-secrets", "--stack", "prd", "--non-interactive"],
      ["preview", "--message", `fleet up [correlation ${ID}] (preflight)`, "--exec-kind", "auto.local",
        "--event-log", "tcp://127.0.0.1:PORT", "--stack", "prd", "--non-interactive"],
      ["up", "--yes", "--skip-preview", "--message", `fleet up [correlation ${ID}]`, "--exec-kind", "auto.local",
        "--event-log", "tcp://127.0.0.1:PORT", "--stack", "prd", "--non-interactive"],
      ["stack", "output", "--json", "--stack", "prd", "--non-interactive"],
      ["stack", "output", "--json", "--show-secrets", "--stack", "prd", "--non-interactive"],
      ["stack", "history", "--json", "--page-size", "1", "--page", "1", "--stack", "prd", "--non-interactive"],
    ]);
    expect(new Set(h.calls().map((c) => c.cwd))).toEqual(new Set([PROJECT_DIR]));
  });

  it("gives every CLI call the correlation id in NODE_CORRELATION_ID, the backend and the passphrase (never its value)", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    await h.fleet.up({ correlationId: ID });
    const calls = h.calls().filter((c) => c.args[0] !== "version");
    expect(calls.map((c) => c.env)).toEqual(calls.map(() => ({
      NODE_CORRELATION_ID: ID, PULUMI_BACKEND_URL: `file://${h!.dir}/state`, PULUMI_AUTOMATION_API: "true",
      PULUMI_CONFIG_PASSPHRASE: "(set)",
    })));
  });

  it("generates a correlation id when none is given, and puts the same one in the message, the events and the result", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    const report = await h.fleet.up();
    expect(report.correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.calls().find((c) => c.args[0] === "up")!.args).toContain(`fleet up [correlation ${report.correlationId}]`);
    expect(new Set(h.events.map((e) => e.correlationId))).toEqual(new Set([report.correlationId]));
  });

  it("refuses a correlation id that is unsafe in a header or variable before the CLI is asked anything", async () => {
    h = harness(baseScenario(resources));
    await expect(h.fleet.up({ correlationId: "id with spaces" })).rejects.toThrow(/correlation id "id with spaces" is not allowed/);
    expect(h.calls()).toEqual([]);
  });

  it("returns each node's phases made from the streamed events, and the outputs with secrets masked", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    const report = await h.fleet.up({ correlationId: ID });
    expect(report.phases.map((p) => [p.hostname, p.phase, p.state, p.durationSeconds])).toEqual([
      [HOST, "serverCreated", "succeeded", 34], [HOST, "dnsConfigured", "succeeded", 2],
      [HOST, "baseConfigured", "succeeded", 58], [HOST, "panelInstalled", "succeeded", 525],
      [HOST, "backupsConfigured", "succeeded", 8], [HOST, "validated", "succeeded", 23], [HOST, "registered", "succeeded", 3],
    ]);
    expect(report.nodes[HOST]).toEqual({ create: 12 });
    expect(report.outputs).toEqual({ environment: "prd", nodeCount: 3, adminKeys: "[secret]" });
  });

  it("streams phase events to the callback while the update runs, between the operation's start and end", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    await h.fleet.up({ correlationId: ID });
    const kinds = h.events.map((e) => (e.kind === "operation" ? `operation:${e.state}` : e.kind === "phase" ? `phase:${e.phase}:${e.state}` : e.kind));
    expect(kinds[0]).toBe("operation:started");
    expect(kinds.at(-1)).toBe("operation:succeeded");
    expect(kinds.filter((k) => k.startsWith("phase:panelInstalled"))).toEqual(["phase:panelInstalled:running", "phase:panelInstalled:succeeded"]);
  });

  it("writes audit records: started, every phase, succeeded, each with actor, stack, correlation id; durations on ends", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    await h.fleet.up({ correlationId: ID });
    const audit = h.audit();
    expect(audit.map((a) => a.action)).toEqual([
      "fleet_up_started",
      "node_deployment_phase_started", "node_deployment_provisioned",
      "node_deployment_phase_started", "node_deployment_dns_configured",
      "node_deployment_phase_started", "node_deployment_base_configured",
      "node_deployment_phase_started", "node_deployment_panel_installed",
      "node_deployment_phase_started", "node_deployment_backups_configured",
      "node_deployment_phase_started", "node_deployment_validated",
      "node_deployment_phase_started", "node_deployment_registered",
      "fleet_up_succeeded",
    ]);
    for (const record of audit) {
      expect(record).toMatchObject({ schema: "node-fleet.audit/v1", operation: "up", project: "node-fleet", stack: "prd",
        correlationId: ID, actor: { name: "platform:alice", source: "caller" } });
    }
    expect(audit.find((a) => a.action === "node_deployment_panel_installed")).toMatchObject({ node: HOST, phase: "panelInstalled", durationSeconds: 525 });
    expect(audit.at(-1)).toMatchObject({ type: "operation.succeeded", changes: { create: 12 }, durationSeconds: expect.any(Number) });
  });

  it("creates the stack on a first up when it does not exist yet", async () => {
    // A stack that does not exist yet holds nothing.
    h = harness(baseScenario(resources, { stacks: [], deployment: deploymentOf([]), operations: { up: { events: deployEvents().list } } }));
    await h.fleet.up({ correlationId: ID });
    expect(argsOf(h.calls()).slice(0, 4).map((a) => a.slice(0, 3))).toEqual([
      ["stack", "select", "--stack"], ["stack", "init", "prd"], ["stack", "export", "--show-secrets"], ["up", "--yes", "--skip-preview"],
    ]);
  });

  it("fails with the phases reached and the CLI's error, and audits the failure", async () => {
    const events = deployEvents({ failRole: "virtualmin" });
    h = harness(baseScenario(resources, { operations: { up: { events: events.list, exitCode: 255, stderr: "error: update failed" } } }));
    const failure = await h.fleet.up({ correlationId: ID }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OperationFailedError);
    const failed = failure as OperationFailedError;
    expect(failed.message).toBe("error: update failed");
    expect(failed.phases.map((p) => `${p.phase}:${p.state}`)).toEqual([
      "serverCreated:succeeded", "dnsConfigured:succeeded", "baseConfigured:succeeded", "panelInstalled:failed"]);
    expect(h.audit().at(-1)).toMatchObject({ type: "operation.failed", action: "fleet_up_failed", message: "error: update failed" });
    expect(h.audit().find((a) => a.type === "phase.failed")).toMatchObject({ node: HOST, phase: "panelInstalled", message: "role virtualmin failed" });
  });

  it("retries while another update holds the stack's lock, saying so, and then runs once", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list, lockedTimes: 2 } } }));
    await h.fleet.up({ correlationId: ID });
    expect(argsOf(h.calls()).filter((a) => a[0] === "up")).toHaveLength(3);
    expect(h.events.filter((e) => e.kind === "retry").map((e) => e.kind === "retry" && e.attempt)).toEqual([2, 3]);
  });

  it("gives up after the configured attempts when the lock stays", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list, lockedTimes: 5 } } }));
    await expect(h.fleet.up({ correlationId: ID })).rejects.toThrow(/currently locked/);
    expect(argsOf(h.calls()).filter((a) => a[0] === "up")).toHaveLength(3);
  });
});

describe("up's preflight: Hetzner's protection of a server the change deletes", () => {
  const server = () => nodeOf(resources, HOST)("server");
  const rebuildPreview = () => new Events().step("pre", server(), "replace", T0, { planning: true }).summary({ replace: 1 }, T0).list;

  async function preflightHarness(guarded: boolean) {
    const api = await fakeHetznerApi([serverIdOf(resources, HOST)], guarded ? [serverIdOf(resources, HOST)] : []);
    const scenario = baseScenario(resources, {
      operations: { preview: { events: rebuildPreview() }, up: { events: new Events().summary({ replace: 1 }, T0).list } },
      config: { "hcloud:token": { value: "hc-token", secret: true } },
    });
    const run = harness(scenario, { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: api.url } });
    return { api, run: { ...run, cleanup: () => { api.close(); run.cleanup(); } } };
  }

  it("refuses a deployment that rebuilds a server Hetzner still protects, before the update starts, naming the command that lifts it", async () => {
    const { run, api } = await preflightHarness(true);
    h = run;
    const refusal = await h.fleet.up({ correlationId: ID }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OperationRefusedError);
    expect((refusal as OperationRefusedError).message).toBe(`Hetzner still protects ${HOST}, which this deployment rebuilds or removes; nothing was changed`);
    expect((refusal as OperationRefusedError).steps[0]).toBe(`lift it just before deploying: \`hcloud server disable-protection ${HOST} delete rebuild\``);
    expect(argsOf(h.calls()).map((a) => a[0])).not.toContain("up");
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/servers/${serverIdOf(resources, HOST)}`]);
  });

  it("deploys once Hetzner's protection of that server is lifted", async () => {
    const { run } = await preflightHarness(false);
    h = run;
    await h.fleet.up({ correlationId: ID });
    expect(argsOf(h.calls()).map((a) => a[0])).toContain("up");
  });

  it("asks Hetzner nothing when the change deletes no server", async () => {
    h = harness(baseScenario(resources, { operations: { up: { events: deployEvents().list } } }));
    await h.fleet.up({ correlationId: ID });
    expect(argsOf(h.calls()).map((a) => a[0])).toEqual(["stack", "stack", "preview", "up", "stack", "stack", "stack"]);
  });
});

describe("preview and refresh", () => {
  it("previews with the message and reports planned operations per node, and no phases: nothing ran", async () => {
    const r = nodeOf(resources, HOST);
    const ev = new Events().step("pre", r("server"), "update", T0, { planning: true }).step("pre", r("a"), "update", T0, { planning: true })
      .summary({ update: 2, same: 37 }, T0 + 5);
    h = harness(baseScenario(resources, { operations: { preview: { events: ev.list } } }));
    const report = await h.fleet.preview({ correlationId: ID });
    expect(withEventLog(argsOf(h.calls())[1]!)).toEqual(["preview", "--message", `fleet preview [correlation ${ID}]`,
      "--exec-kind", "auto.local", "--event-log", "tcp://127.0.0.1:PORT", "--stack", "prd", "--non-interactive"]);
    expect(report.nodes).toEqual({ [HOST]: { update: 2 } });
    expect(report.changes).toEqual({ update: 2, same: 37 });
    expect(report.phases).toEqual([]);
  });

  it("refreshes with the message and the event log", async () => {
    h = harness(baseScenario(resources, { operations: { refresh: { events: new Events().summary({ same: 39 }, T0).list } } }));
    await h.fleet.refresh({ correlationId: ID });
    expect(withEventLog(argsOf(h.calls())[1]!)).toEqual(["refresh", "--skip-preview", "--yes", "--message",
      `fleet refresh [correlation ${ID}]`, "--event-log", "tcp://127.0.0.1:PORT", "--exec-kind", "auto.local", "--stack", "prd", "--non-interactive"]);
  });
});

describe("drift", () => {
  it("is a refresh preview whose changed and vanished resources are reported with their node", async () => {
    const r = nodeOf(resources, HOST);
    const ev = new Events()
      .step("pre", r("server"), "refresh", T0, { planning: true }).step("outputs", r("server"), "update", T0 + 1, { planning: true, diffs: ["serverType", "labels"] })
      .step("pre", r("aaaa"), "refresh", T0, { planning: true }).step("outputs", r("aaaa"), "delete", T0 + 1, { planning: true })
      .step("pre", r("fw"), "refresh", T0, { planning: true }).step("outputs", r("fw"), "same", T0 + 1, { planning: true });
    h = harness(baseScenario(resources, { operations: { "refresh-preview": { events: ev.list } } }));
    const report = await h.fleet.drift({ correlationId: ID });
    expect(withEventLog(argsOf(h.calls())[1]!)).toEqual(["refresh", "--preview-only", "--message", `fleet drift [correlation ${ID}]`,
      "--exec-kind", "auto.local", "--event-log", "tcp://127.0.0.1:PORT", "--stack", "prd", "--non-interactive"]);
    expect(report.drifted).toEqual([
      { urn: r("server").urn, type: "hcloud:index/server:Server", name: `${HOST}-server`, hostname: HOST, change: "update", properties: ["labels", "serverType"] },
      { urn: r("aaaa").urn, type: "cloudflare:index/dnsRecord:DnsRecord", name: `${HOST}-aaaa`, hostname: HOST, change: "delete", properties: [] },
    ]);
    expect(report.driftedNodes).toEqual([HOST]);
  });

  it("reports no drift when every resource refreshes the same", async () => {
    const r = nodeOf(resources, HOST);
    const ev = new Events().step("pre", r("server"), "refresh", T0, { planning: true }).step("outputs", r("server"), "same", T0, { planning: true });
    h = harness(baseScenario(resources, { operations: { "refresh-preview": { events: ev.list } } }));
    expect((await h.fleet.drift()).drifted).toEqual([]);
  });
});

describe("rebuildNode", () => {
  const serverAndFollowers = (host: string) => ["server", "rdns-v4", "rdns-v6", "power-on", "provision", "register"]
    .map((role) => nodeOf(resources, host)(role).urn);

  it("refuses a protected node without an override, runs no update, and audits the refusal", async () => {
    h = harness(baseScenario(resources));
    const refusal = await h.fleet.rebuildNode(HOST, { correlationId: ID }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OperationRefusedError);
    expect((refusal as OperationRefusedError).message).toBe(`node ${HOST} is protected; nothing was rebuilt`);
    expect((refusal as OperationRefusedError).steps[0]).toMatch(/--override-protection REASON/);
    expect(argsOf(h.calls()).map((a) => a.slice(0, 2))).toEqual([["stack", "select"], ["stack", "export"]]);
    expect(h.audit().map((a) => [a.type, a.node])).toEqual([["operation.started", HOST], ["operation.refused", HOST]]);
  });

  const serverId = () => serverIdOf(resources, HOST);
  const OVERRIDE = { reason: "disk corruption, ticket OPS-42" };

  async function overrideHarness(up: { events: EngineEvent[]; exitCode?: number }) {
    const api = await fakeHetznerApi([serverId()]);
    const scenario = baseScenario(resources, { operations: { up }, config: { "hcloud:token": { value: "hc-token", secret: true } } });
    const run = harness(scenario, { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: api.url } });
    const cleanupRun = run.cleanup;
    return { api, run: { ...run, cleanup: () => { api.close(); cleanupRun(); } } };
  }

  it("with an override, unprotects the node's host key, server and followers in the state, then replaces host key, server and provisioning, targeting only them", async () => {
    const { run } = await overrideHarness({ events: new Events().summary({ replace: 2 }, T0).list });
    h = run;
    await h.fleet.rebuildNode(HOST, { correlationId: ID, overrideProtection: OVERRIDE });
    const urns = [nodeOf(resources, HOST)("host-key").urn, ...serverAndFollowers(HOST)];
    const args = argsOf(h.calls());
    expect(args[2]).toEqual(["config", "get", "hcloud:token", "--json", "--stack", "prd", "--non-interactive"]);
    // A protected node protects every child, its steps included (HostingNode passes
    // protect down), so all of them are unprotected before the replacement.
    expect(args[3]).toEqual(["state", "unprotect", "--yes", "--stack", "prd", ...urns, "--non-interactive"]);
    expect(withEventLog(args[4]!)).toEqual(["up", "--yes", "--skip-preview", "--message", `fleet rebuild ${HOST} [correlation ${ID}]`,
      // A new server gets a new user-data host key: the old one may have leaked in its earlier life.
      "--replace", urns[0], "--replace", urns[1], "--replace", urns[5], ...urns.flatMap((u) => ["--target", u]),
      "--exec-kind", "auto.local", "--event-log", "tcp://127.0.0.1:PORT", "--stack", "prd", "--non-interactive"]);
    expect(new Set(h.calls().filter((c) => c.args[0] !== "version").map((c) => c.env.NODE_CORRELATION_ID))).toEqual(new Set([ID]));
  });

  it("with an override, lifts the server's delete and rebuild protection at Hetzner before the update", async () => {
    const { run, api } = await overrideHarness({ events: new Events().summary({ replace: 2 }, T0).list });
    h = run;
    await h.fleet.rebuildNode(HOST, { correlationId: ID, overrideProtection: OVERRIDE });
    expect(api.requests).toEqual([{ method: "POST", path: `/v1/servers/${serverId()}/actions/change_protection`,
      authorization: "Bearer hc-token", body: { delete: false, rebuild: false } }]);
  });

  it("gives the old server its Hetzner protection back when the rebuild fails", async () => {
    const { run, api } = await overrideHarness({ events: new Events().summary({}, T0).list, exitCode: 255 });
    h = run;
    await expect(h.fleet.rebuildNode(HOST, { correlationId: ID, overrideProtection: OVERRIDE })).rejects.toThrow(OperationFailedError);
    expect(api.requests.map((r) => r.body)).toEqual([{ delete: false, rebuild: false }, { delete: true, rebuild: true }]);
  });

  it("refuses the override, changing nothing, when no Hetzner token is available", async () => {
    h = harness(baseScenario(resources));
    await expect(h.fleet.rebuildNode(HOST, { overrideProtection: OVERRIDE })).rejects.toThrow(/no Hetzner token is set/);
    expect(argsOf(h.calls()).map((a) => a.slice(0, 2))).toEqual([["stack", "select"], ["stack", "export"], ["config", "get"]]);
  });

  it("shows the override and its reason in every audit record of the rebuild after the decision", async () => {
    const { run } = await overrideHarness({ events: new Events().summary({ replace: 2 }, T0).list });
    h = run;
    await h.fleet.rebuildNode(HOST, { correlationId: ID, overrideProtection: OVERRIDE });
    expect(h.audit().at(-1)).toMatchObject({ type: "operation.succeeded", node: HOST, protectionOverride: {
      reason: "disk corruption, ticket OPS-42", providerUnprotected: [`hcloud server ${serverId()}`],
      unprotected: expect.arrayContaining([nodeOf(resources, HOST)("server").urn]) } });
    expect(h.audit()[0]).not.toHaveProperty("protectionOverride");
  });

  it("rebuilds an unprotected node without touching protection", async () => {
    h = harness(baseScenario(resources, { deployment: deploymentOf(resources, [HOST]), operations: { up: { events: new Events().summary({ replace: 2 }, T0).list } } }));
    await h.fleet.rebuildNode(HOST, { correlationId: ID });
    expect(argsOf(h.calls()).map((a) => a[0])).toEqual(["stack", "stack", "up", "stack", "stack", "stack"]);
    expect(h.audit().at(-1)).not.toHaveProperty("protectionOverride");
  });

  it("refuses a hostname that is not a node's, and one the stack does not hold", async () => {
    h = harness(baseScenario(resources));
    await expect(h.fleet.rebuildNode("web-1")).rejects.toThrow(/"web-1" is not a node hostname/);
    await expect(h.fleet.rebuildNode("prd-sha-het-de-nbg1-009")).rejects.toThrow(/node prd-sha-het-de-nbg1-009 has no server in stack prd/);
    expect(argsOf(h.calls()).some((a) => a[0] === "up")).toBe(false);
  });

  it("never passes a protected node's override to another node", async () => {
    h = harness(baseScenario(resources));
    const other = "prd-sha-het-fi-hel1-001";
    await expect(h.fleet.rebuildNode(other, { overrideProtection: { reason: "  " } })).rejects.toThrow(`node ${other} is protected`);
  });
});

describe("reprovisionNode", () => {
  const provisionOf = (host: string) => nodeOf(resources, host)("provision").urn;
  const reprovisioned = () => ({ up: { events: new Events().summary({ replace: 1 }, T0).list } });

  it("replaces and targets only the node's provisioning step, forcing the playbook through the CLI's environment", async () => {
    h = harness(baseScenario(resources, { deployment: deploymentOf(resources, [HOST]), operations: reprovisioned() }));
    const report = await h.fleet.reprovisionNode(HOST, { correlationId: ID, message: "fleet health: re-provision" });
    const args = argsOf(h.calls());
    expect(args.slice(0, 3).map((a) => a.slice(0, 2))).toEqual([["stack", "select"], ["stack", "export"], ["up", "--yes"]]);
    expect(withEventLog(args[2]!)).toEqual(["up", "--yes", "--skip-preview", "--message", `fleet health: re-provision [correlation ${ID}]`,
      "--replace", provisionOf(HOST), "--target", provisionOf(HOST),
      "--exec-kind", "auto.local", "--event-log", "tcp://127.0.0.1:PORT", "--stack", "prd", "--non-interactive"]);
    const up = h.calls().find((c) => c.args[0] === "up")!;
    expect(up.env).toMatchObject({ NODE_CORRELATION_ID: ID, NODE_FORCE_PROVISION: "1" });
    const beforeUp = h.calls().filter((c) => c.args[0] !== "version").slice(0, 2);
    expect(beforeUp.map((c) => c.env.NODE_FORCE_PROVISION)).toEqual([undefined, undefined]);
    expect(report).toMatchObject({ operation: "reprovision", correlationId: ID, changes: { replace: 1 } });
  });

  // The replaced step is created, and a created command gets no previous stdout
  // (pulumi-command local/commandOutputs.go run(): PULUMI_COMMAND_STDOUT only from the old
  // state), so the key provisioning rotated in reaches the script through the environment.
  it("hands the script the host key pinned in the node's outputs, as the step's own output would", async () => {
    const deployment = deploymentOf(resources, [HOST]);
    const component = (deployment.deployment as { resources: { urn: string; type: string; outputs?: unknown }[] }).resources
      .find((r) => r.type === "node-fleet:index:HostingNode" && r.urn.endsWith(`::${HOST}`))!;
    component.outputs = { serverId: "40000004", hostPublicKey: "ssh-ed25519 AAAArotated" };
    h = harness(baseScenario(resources, { deployment, operations: reprovisioned() }));
    await h.fleet.reprovisionNode(HOST, { correlationId: ID });
    const up = h.calls().find((c) => c.args[0] === "up")!;
    expect(up.env).toMatchObject({ NODE_PINNED_HOST_KEY: "node-fleet-host-key 40000004 ssh-ed25519 AAAArotated" });
  });

  it("unprotects only the provisioning step of a protected node, never its server", async () => {
    h = harness(baseScenario(resources, { operations: reprovisioned() }));
    await h.fleet.reprovisionNode(HOST, { correlationId: ID });
    const args = argsOf(h.calls());
    expect(args[2]).toEqual(["state", "unprotect", "--yes", "--stack", "prd", provisionOf(HOST), "--non-interactive"]);
    expect(args[3]![0]).toBe("up");
    expect(h.events.find((e) => e.kind === "notice")).toMatchObject({ message: expect.stringContaining("unprotected in the state for this update") });
  });

  // Recovery treats a locked stack as "not now" (StackLockedError), never as a failed rung.
  it("says the stack is locked, not that the re-provision failed, when the state edit finds the lock held", async () => {
    h = harness(baseScenario(resources, { operations: { ...reprovisioned(), "state unprotect": { events: [], lockedTimes: 5 } } }));
    const failure = await h.fleet.reprovisionNode(HOST, { correlationId: ID }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StackLockedError);
    expect(argsOf(h.calls()).filter((a) => a[0] === "state")).toHaveLength(3);
    expect(argsOf(h.calls()).some((a) => a[0] === "up")).toBe(false);
  });

  it("keeps the incident id and correlation id in every audit record", async () => {
    h = harness(baseScenario(resources, { deployment: deploymentOf(resources, [HOST]), operations: reprovisioned() }));
    await h.fleet.reprovisionNode(HOST, { correlationId: ID, incidentId: `${HOST}@2026-11-22T06:00:00.000Z` });
    expect(h.audit().map((a) => [a.type, a.action, a.node, a.correlationId, a.incidentId])).toEqual([
      ["operation.started", "fleet_reprovision_started", HOST, ID, `${HOST}@2026-11-22T06:00:00.000Z`],
      ["operation.succeeded", "fleet_reprovision_succeeded", HOST, ID, `${HOST}@2026-11-22T06:00:00.000Z`],
    ]);
  });

  it("refuses a node the stack does not hold, running no update", async () => {
    h = harness(baseScenario(resources));
    await expect(h.fleet.reprovisionNode("prd-sha-het-de-nbg1-009")).rejects.toThrow(/node prd-sha-het-de-nbg1-009 has no provisioning step in stack prd/);
    expect(argsOf(h.calls()).some((a) => a[0] === "up")).toBe(false);
  });

  it("fails with the CLI's error when the playbook fails", async () => {
    h = harness(baseScenario(resources, { deployment: deploymentOf(resources, [HOST]),
      operations: { up: { events: deployEvents({ failRole: "security" }).list, exitCode: 255 } } }));
    await expect(h.fleet.reprovisionNode(HOST)).rejects.toThrow(OperationFailedError);
  });
});

describe("destroy", () => {
  it("is refused while nodes are protected, naming them and the steps to proceed, and destroys nothing", async () => {
    h = harness(baseScenario(resources));
    const refusal = await h.fleet.destroy({ correlationId: ID }).catch((e: unknown) => e) as OperationRefusedError;
    expect(refusal.message).toBe("stack prd has protected nodes prd-sha-het-de-fsn1-001, prd-sha-het-de-fsn1-002, prd-sha-het-fi-hel1-001; nothing was destroyed");
    expect(refusal.steps).toEqual([
      "prd nodes stay protected: remove them from the fleet file in a pull request and follow the steps `fleet diff` prints " +
        "(an admin lifts the protection of exactly those resources in the state), then deploy with `fleet up --stack prd`",
      "run `fleet destroy --stack prd` again",
    ]);
    expect(argsOf(h.calls()).some((a) => a[0] === "destroy")).toBe(false);
  });

  it("destroys a stack without protected resources with the Automation API's arguments", async () => {
    const hosts = ["prd-sha-het-de-fsn1-001", "prd-sha-het-de-fsn1-002", "prd-sha-het-fi-hel1-001"];
    h = harness(baseScenario(resources, { deployment: deploymentOf(resources, hosts), operations: { destroy: { events: new Events().summary({ delete: 39 }, T0).list } } }));
    await h.fleet.destroy({ correlationId: ID });
    expect(withEventLog(argsOf(h.calls())[2]!)).toEqual(["destroy", "--yes", "--skip-preview", "--message", `fleet destroy [correlation ${ID}]`,
      "--event-log", "tcp://127.0.0.1:PORT", "--exec-kind", "auto.local", "--stack", "prd", "--non-interactive"]);
  });
});

describe("outputs and history", () => {
  it("reads outputs with secrets masked unless asked", async () => {
    h = harness(baseScenario(resources));
    expect(await h.fleet.outputs()).toEqual({ environment: "prd", nodeCount: 3, adminKeys: "[secret]" });
    expect((await h.fleet.outputs({ showSecrets: true })).adminKeys).toEqual({ [HOST]: "-----BEGIN OPENSSH PRIVATE KEY-----" });
  });

  it("reads history without secrets, newest page first", async () => {
    h = harness(baseScenario(resources));
    const history = await h.fleet.history(5);
    expect(history[0]).toMatchObject({ kind: "update", result: "succeeded", message: "fleet up [correlation c-1]" });
    expect(history[0]!.startTime).toEqual(new Date("2026-11-20T10:00:00Z"));
    expect(argsOf(h.calls()).at(-1)).toEqual(["stack", "history", "--json", "--page-size", "5", "--page", "1", "--stack", "prd", "--non-interactive"]);
  });

  it("does not open a stack that does not exist for reading", async () => {
    h = harness(baseScenario(resources, { stacks: [] }));
    await expect(h.fleet.outputs()).rejects.toThrow(/no stack named 'prd' found/);
    expect(argsOf(h.calls()).some((a) => a[1] === "init")).toBe(false);
  });
});

describe("the Pulumi CLI itself", () => {
  it("stops with how to install it and the minimum version when it is not on PATH", async () => {
    h = harness(baseScenario(resources));
    process.env.PATH = "/nonexistent";
    await expect(h.fleet.up()).rejects.toThrow(
      "the Pulumi CLI was not found on PATH; install the Pulumi CLI 3.208.0 or later: curl -fsSL https://get.pulumi.com | sh (https://www.pulumi.com/docs/install/)");
    expect(h.audit()).toEqual([]);
  });

  it("stops when it is older than the minimum, before any stack is touched", async () => {
    h = harness(baseScenario(resources, { version: "3.190.0" }));
    await expect(h.fleet.preview()).rejects.toThrow(/^the Pulumi CLI 3\.190\.0 is too old; install the Pulumi CLI 3\.208\.0 or later/);
    expect(argsOf(h.calls())).toEqual([]);
  });

  it("stops before the CLI when a self-managed backend has no passphrase for the stack's secrets", async () => {
    h = harness(baseScenario(resources), { env: { PULUMI_BACKEND_URL: "file:///tmp/nowhere" } });
    await expect(h.fleet.up()).rejects.toThrow(/stack prd keeps its secrets with a passphrase on backend file:\/\/\/tmp\/nowhere \(from PULUMI_BACKEND_URL\): set PULUMI_CONFIG_PASSPHRASE/);
    expect(argsOf(h.calls())).toEqual([]);
  });
});

describe("phases inside provisioning", () => {
  it("carry the correlation id the playbook saw, so a marker can be matched to its operation", async () => {
    const ev = deployEvents({ correlationId: ID });
    h = harness(baseScenario(resources, { operations: { up: { events: ev.list } } }));
    await h.fleet.up({ correlationId: ID });
    expect(ev.list.some((e) => e.diagnosticEvent?.message === marker("virtualmin", "started", ID))).toBe(true);
    expect(h.events.filter((e) => e.kind === "phase" && e.phase === "panelInstalled")).toHaveLength(2);
  });
});
