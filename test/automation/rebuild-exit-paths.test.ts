import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { OperationFailedError, OperationRefusedError } from "../../src/automation/errors";
import { baseScenario, harness, ORIGINAL_PATH, type Harness } from "./harness";
import { fakeHetznerApi } from "./hetzner-api";
import { recordStack, type StackResource } from "./stand-in/record-urns";
import { Events, serverIdOf, STAND_IN_BIN, standIn, type Scenario } from "./stand-in/scenario";

// A rebuild lifts Hetzner's protection of the old server (the provider deletes without
// lifting it: terraform-provider-hcloud internal/server/resource.go resourceServerDelete),
// so every way out that leaves the old server standing must give it back. Each exit path
// here runs the library against the stand-in `pulumi` and a Hetzner-shaped API on
// 127.0.0.1 that keeps each server's protection.
const HOST = "prd-sha-het-de-fsn1-001";
const T0 = 1_790_000_000;
const OVERRIDE = { reason: "disk corruption, ticket OPS-42" };
const BUILT = join(__dirname, "../../dist/automation/operations.js");
let resources: StackResource[];
let h: Harness | undefined;
let close: (() => void) | undefined;

beforeAll(async () => {
  resources = await recordStack("prd");
});
afterEach(() => {
  h?.cleanup();
  close?.();
  h = undefined;
  close = undefined;
});

const serverId = () => serverIdOf(resources, HOST);
const token = { "hcloud:token": { value: "hc-token", secret: true } };

async function rebuildWith(up: Scenario["operations"]["up"]) {
  const api = await fakeHetznerApi([serverId()], [serverId()]);
  close = api.close;
  h = harness(baseScenario(resources, { operations: { up: up! }, config: token }),
    { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: api.url } });
  const outcome = await h.fleet.rebuildNode(HOST, { correlationId: "exit-1", overrideProtection: OVERRIDE }).catch((e: unknown) => e);
  return { api, outcome };
}

describe("a rebuild that ends without replacing the server gives its Hetzner protection back", () => {
  it("after an update that fails", async () => {
    const { api, outcome } = await rebuildWith({ events: new Events().summary({}, T0).list, exitCode: 255, stderr: "error: update failed" });
    expect(outcome).toBeInstanceOf(OperationFailedError);
    expect(api.requests.map((r) => r.body)).toEqual([{ delete: false, rebuild: false }, { delete: true, rebuild: true }]);
    expect(api.protection(serverId())).toBe(true);
  });

  it("after a step the engine refuses (a protected resource it would replace)", async () => {
    // pulumi v3.248.0 pkg/resource/deploy/step_generator.go: a replacement of a resource
    // protected in the state fails the update with this error.
    const stderr = `error: unable to replace resource "urn:pulumi:prd::node-fleet::node-fleet:index:HostingNode$hcloud:index/server:Server::${HOST}-server"\n` +
      "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`";
    const { api, outcome } = await rebuildWith({ events: new Events().summary({}, T0).list, exitCode: 255, stderr });
    expect(outcome).toBeInstanceOf(OperationFailedError);
    expect((outcome as Error).message).toMatch(/unable to replace resource/);
    expect(api.protection(serverId())).toBe(true);
  });

  it("after the Pulumi CLI crashes (ends by a signal, with no error line)", async () => {
    const { api, outcome } = await rebuildWith({ events: new Events().summary({}, T0).list, crash: true });
    expect(outcome).toBeInstanceOf(OperationFailedError);
    expect(api.requests.map((r) => r.body)).toEqual([{ delete: false, rebuild: false }, { delete: true, rebuild: true }]);
    expect(api.protection(serverId())).toBe(true);
  });

  it("says so in a notice, naming the command, when Hetzner refuses to protect it again", async () => {
    const api = await fakeHetznerApi([serverId()], [serverId()], { failProtect: true });
    close = api.close;
    h = harness(baseScenario(resources, { operations: { up: { events: [], exitCode: 255 } }, config: token }),
      { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: api.url } });
    await expect(h.fleet.rebuildNode(HOST, { overrideProtection: OVERRIDE })).rejects.toThrow(OperationFailedError);
    expect(h.events.filter((e) => e.kind === "notice").map((e) => (e as { message: string }).message)).toContain(
      `server ${serverId()} could not be protected again at Hetzner (Hetzner refused to protect server ${serverId()}: HTTP 423 locked); ` +
      `protect it: \`hcloud server enable-protection ${HOST} delete rebuild\``);
  });

  it("leaves protection to the program when the server was replaced", async () => {
    const { api, outcome } = await rebuildWith({ events: new Events().summary({ replace: 2 }, T0).list as EngineEvent[] });
    expect(outcome).toMatchObject({ operation: "rebuild" });
    expect(api.requests.map((r) => r.body)).toEqual([{ delete: false, rebuild: false }]);
  });
});

/** `fleet rebuild` as its own process (the built library, as bin/fleet runs it), with the
 *  stand-in's update running until a signal cancels it. `group`: the signal goes to the
 *  whole process group, as a terminal's Ctrl-C or systemd's stop does. */
async function interruptedRebuild(signals: readonly NodeJS.Signals[], group: boolean) {
  const api = await fakeHetznerApi([serverId()], [serverId()]);
  const s = standIn(baseScenario(resources, { operations: { up: { events: [], waitForSignal: true } }, config: token }));
  close = () => { api.close(); s.cleanup(); };
  const script = `
    const { FleetAutomation } = require(${JSON.stringify(BUILT)});
    const { jsonLinesSink } = require(${JSON.stringify(join(__dirname, "../../dist/audit/sinks.js"))});
    const fleet = new FleetAutomation({ stack: "prd", auditSinks: [jsonLinesSink(${JSON.stringify(join(s.dir, "audit.jsonl"))})], env: { ...process.env } });
    fleet.rebuildNode(${JSON.stringify(HOST)}, { overrideProtection: ${JSON.stringify(OVERRIDE)} });`;
  const child = spawn(process.execPath, ["-e", script], {
    detached: true, stdio: "ignore",
    env: { ...process.env, PATH: `${STAND_IN_BIN}:${ORIGINAL_PATH}`, STANDIN_DIR: s.dir, PULUMI_BACKEND_URL: `file://${s.dir}/state`,
      PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: api.url },
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(s.dir, "waiting-up"))) {
    if (Date.now() > deadline) throw new Error("the stand-in's update never started");
    await new Promise((r) => setTimeout(r, 50));
  }
  const protectedDuringUpdate = api.protection(serverId());
  for (const signal of signals) {
    process.kill(group ? -child.pid! : child.pid!, signal);
    await new Promise((r) => setTimeout(r, 200));
  }
  const exit = await ended;
  const cliSignals = existsSync(join(s.dir, "signals")) ? readFileSync(join(s.dir, "signals"), "utf8").trim().split("\n") : [];
  const audit = readFileSync(join(s.dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; message?: string });
  return { exit, protectedDuringUpdate, protectedAfter: api.protection(serverId()), cliSignals, lastAudit: audit.at(-1) };
}

describe("a rebuild interrupted by a signal", () => {
  it("waits for the CLI to cancel on a terminal's Ctrl-C, gives the protection back, then ends by SIGINT", async () => {
    const run = await interruptedRebuild(["SIGINT"], true);
    expect(run).toMatchObject({ protectedDuringUpdate: false, protectedAfter: true, exit: { signal: "SIGINT" }, cliSignals: ["SIGINT"] });
    // The audit trail is complete before the signal ends the process.
    expect(run.lastAudit).toMatchObject({ type: "operation.failed", message: "error: update canceled" });
  });

  it("passes a SIGTERM sent to fleet alone on to the CLI at the second one, and gives the protection back", async () => {
    const run = await interruptedRebuild(["SIGTERM", "SIGTERM"], false);
    // The Automation API stops the CLI with SIGINT (automation/cmd.js exec, on abort).
    expect(run).toMatchObject({ protectedAfter: true, exit: { signal: "SIGTERM" }, cliSignals: ["SIGINT"] });
  });
});
