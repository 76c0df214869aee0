// Each lifecycle flow of docs/deploying-and-lifecycle.md "Lifecycle" as a sequence of program runs: the real stack
// program under mocks declares, and test/engine/model.ts deploy() takes the steps the
// engine would take over the previous run's state (pulumi step_generator.go
// generateStepsFromDiff / continueStepsFromDiff / calculateDependentReplacements /
// processIgnoreChanges, step.go DeleteStep.Apply; pulumi-command commandController.go).
import { beforeEach, describe, expect, it } from "vitest";
import type { StackSettings } from "../../src/stack/settings";
import { runStack } from "../components/harness";
import { deploy, hetznerCloud, stepOf, type Deployment, type EngineResource, type Hetzner } from "./model";

const NODE = "prd-sha-het-de-fsn1-001";
const fleet = (body: string) => `nodes:\n  ${NODE}: { size: cpx22, image: ubuntu-24.04${body ? `, ${body}` : ""} }\n`;
const MASTER_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKLM3T2dD5+HZy4J0eJcpA/0gEYVRmHaj+4zHAVhVIqP ops@example.com";
const MASTER_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINFPSydFNFqIqUVb0QRqA5tsHlpjZWLFXgy2/+LVsKm4 ops@example.com";

/** Hetzner's side of the test's servers, kept across the runs of one test. */
let cloud: Hetzner;
beforeEach(() => {
  cloud = hetznerCloud();
});

/** One `pulumi up -s prd --skip-preview` of the fleet text over a state. */
async function up(state: readonly EngineResource[], fleetText: string, overrides: Partial<StackSettings> = {}): Promise<Deployment> {
  const run = await runStack("prd", fleetText, overrides);
  return deploy(state, run.state, cloud);
}

/** A created prd node, as the first `pulumi up` leaves it. */
async function created(overrides: Partial<StackSettings> = {}): Promise<Deployment> {
  const first = await up([], fleet(""), overrides);
  expect(first.error).toBeUndefined();
  return first;
}

const step = (d: Deployment, suffix: string) => stepOf(d, `${NODE}${suffix}`);

/** What an admin does just before the one deployment that rebuilds or removes a prd node,
 *  as `fleet diff` prints it: `pulumi state unprotect` of exactly the named resources, and
 *  `hcloud server disable-protection` (the model keeps Hetzner's side as the server's
 *  recorded deleteProtection, which serverCalls consults). */
function adminUnprotects(state: readonly EngineResource[], suffixes: readonly string[]): EngineResource[] {
  const names = new Set(suffixes.map((suffix) => `${NODE}${suffix}`));
  return state.map((r) => (!names.has(r.name) ? r : {
    ...r, protect: false,
    ...(r.type === "hcloud:index/server:Server" ? { inputs: { ...r.inputs, deleteProtection: false, rebuildProtection: false } } : {}),
  }));
}

/** An admin who ran `pulumi state unprotect` but missed `hcloud server disable-protection`. */
function adminUnprotectsStateOnly(state: readonly EngineResource[], suffixes: readonly string[]): EngineResource[] {
  const names = new Set(suffixes.map((suffix) => `${NODE}${suffix}`));
  return state.map((r) => (names.has(r.name) ? { ...r, protect: false } : r));
}

/** The resources `fleet diff` names as blocked for a prd rebuild (test/review/diff.test.ts). */
const REBUILD_BLOCKED = ["-host-key", "-panel-password", "-server"];
/** For a prd removal: the node's component and every resource under it. */
const REMOVAL_BLOCKED = ["", "-admin-key", "-host-key", "-power-off", "-ssh-key", "-fw", "-ipv4", "-ipv6", "-server", "-power-on", "-a", "-aaaa",
  "-panel-password", "-backup-password", "-rdns-v4", "-rdns-v6", "-provision", "-register"];
const ran = (d: Deployment) => d.steps.flatMap((s) => s.runs);

describe("create", () => {
  it("creates every resource and runs power-off (recording), power-on, provisioning and registration once each", async () => {
    const first = await created();
    expect(first.steps.every((s) => s.op === "create")).toBe(true);
    expect(ran(first)).toEqual(["ansible/bin/power-off", "ansible/bin/power-on", "ansible/bin/provision", "node bin/register put"]);
  });

  it("changes nothing on a second run of the same fleet", async () => {
    const first = await created();
    const again = await up(first.state, fleet(""));
    expect(again.steps.filter((s) => s.op !== "same")).toEqual([]);
  });
});

describe("rebuild with protection on", () => {
  it("refuses a rebuild while the node is protected, before anything runs", async () => {
    const first = await created();
    const bump = await up(first.state, fleet("rebuild: 1"));
    expect(bump.error).toMatch(new RegExp(`unable to replace resource .*${NODE}-.* marked for protection`));
    expect(ran(bump)).toEqual([]);
  });

  it("rebuilds in one run once an admin lifts the protection of exactly the resources fleet diff names", async () => {
    const first = await created();
    const rebuild = await up(adminUnprotects(first.state, REBUILD_BLOCKED), fleet("rebuild: 1"));
    expect(rebuild.error).toBeUndefined();
    expect(step(rebuild, "-server")).toEqual(expect.objectContaining({ op: "replace", calls: ["shutdown+delete", "create"] }));
    // The addresses, their reverse DNS and the DNS records stay (test/engine/addresses.test.ts).
    expect(step(rebuild, "-rdns-v4")?.op).toBe("same");
    expect(step(rebuild, "-panel-password")?.op).toBe("replace");
    expect(step(rebuild, "-provision")).toEqual(expect.objectContaining({ op: "update", runs: ["ansible/bin/provision"] }));
    expect(step(rebuild, "-register")).toEqual(expect.objectContaining({ op: "update", runs: ["node bin/register put"] }));
    expect(rebuild.state.filter((r) => r.custom && !r.protect).map((r) => r.name)).toEqual([]);
  });

  it("still refuses when one of those resources keeps its protection", async () => {
    const first = await created();
    const partly = await up(adminUnprotects(first.state, REBUILD_BLOCKED.filter((s) => s !== "-panel-password")), fleet("rebuild: 1"));
    expect(partly.error).toMatch(new RegExp(`unable to replace resource .*${NODE}-panel-password.* marked for protection`));
    expect(ran(partly)).toEqual([]);
  });
});

describe("resize with protection on", () => {
  it("resizes in place: a clean shutdown first, the provider's type change, then power-on", async () => {
    const first = await created();
    const resize = await up(first.state, fleet("").replace("cpx22", "cpx32"));
    expect(resize.error).toBeUndefined();
    // The clean shutdown leaves nothing for the provider's hard Poweroff to do.
    expect(step(resize, "-power-off")?.calls).toEqual(["shutdown"]);
    expect(step(resize, "-server")).toEqual(expect.objectContaining({ op: "update", calls: ["change_type"] }));
    expect(step(resize, "-power-on")?.calls).toEqual(["poweron"]);
    expect(cloud.running.get(NODE)).toBe(true);
    const order = resize.steps.map((s) => s.name.slice(NODE.length));
    expect(order.indexOf("-power-off")).toBeLessThan(order.indexOf("-server"));
    expect(order.indexOf("-server")).toBeLessThan(order.indexOf("-power-on"));
    // The platform is told the new size; nothing is provisioned again.
    expect(ran(resize)).toEqual(["ansible/bin/power-off", "ansible/bin/power-on", "node bin/register put"]);
  });
});

describe("a resize that stops half-way", () => {
  const resized = fleet("").replace("cpx22", "cpx32");

  it("a failed type change leaves the node off and the platform untold; reverting the size powers it on again", async () => {
    const first = await created();
    cloud.failing.set("change_type", "server type cpx32 is sold out in fsn1");
    const failed = await up(first.state, resized);
    expect(failed.error).toMatch(/sold out/);
    expect(ran(failed)).toEqual(["ansible/bin/power-off"]);
    expect(cloud.running.get(NODE)).toBe(false);
    expect(failed.state.find((r) => r.name === `${NODE}-server`)!.inputs.serverType).toBe("cpx22");
    cloud.failing.clear();
    const reverted = await up(failed.state, fleet(""));
    expect(reverted.error).toBeUndefined();
    expect(step(reverted, "-server")?.op).toBe("same");
    expect(step(reverted, "-power-on")).toEqual(expect.objectContaining({ op: "update", calls: ["poweron"] }));
    expect(cloud.running.get(NODE)).toBe(true);
    expect(ran(reverted)).toEqual(["ansible/bin/power-off", "ansible/bin/power-on"]);
  });

  it("retrying the same resize after a failed type change resizes and powers the node on", async () => {
    const first = await created();
    cloud.failing.set("change_type", "rate limit exceeded");
    const failed = await up(first.state, resized);
    cloud.failing.clear();
    const retried = await up(failed.state, resized);
    expect(retried.error).toBeUndefined();
    expect(step(retried, "-power-off")?.op).toBe("same");
    expect(step(retried, "-server")).toEqual(expect.objectContaining({ op: "update", calls: ["change_type"] }));
    expect(cloud.running.get(NODE)).toBe(true);
    expect(ran(retried)).toEqual(["ansible/bin/power-on", "node bin/register put"]);
  });

  // The image replaces the server, so it replaces the node's host key too (serverLife),
  // which is registered before the power-off step: the engine refuses there.
  it("a resize with a protected replacement in the same change is refused before the node is shut down", async () => {
    const first = await created();
    const refused = await up(first.state, resized.replace("ubuntu-24.04", "debian-13"));
    expect(refused.error).toMatch(new RegExp(`unable to replace resource .*${NODE}-host-key.* marked for protection`));
    expect(ran(refused)).toEqual([]);
    expect(cloud.running.get(NODE)).toBe(true);
  });
});

describe("a prd rebuild or removal with Hetzner's protection still on (no preflight: what the engine alone would do)", () => {
  it("a rebuild replaces the host key and the panel password before the server's delete is refused; reverse DNS stays on the node's own addresses", async () => {
    const first = await created();
    const half = await up(adminUnprotectsStateOnly(first.state, REBUILD_BLOCKED), fleet("rebuild: 1"));
    expect(half.error).toMatch(/delete-protected/);
    expect(half.steps.filter((s) => s.op !== "same").map((s) => [s.op, s.name.slice(NODE.length), s.calls])).toEqual([
      ["replace", "-host-key", []],
      ["replace", "-panel-password", []],
    ]);
    expect(half.state.filter((r) => r.name.startsWith(`${NODE}-rdns`)).length).toBe(2);
    expect(cloud.running.get(NODE)).toBe(true);
  });

  it("a removal deregisters the node and deletes its reverse DNS before the server's delete is refused", async () => {
    const first = await created();
    const half = await up(adminUnprotectsStateOnly(first.state, REMOVAL_BLOCKED), "nodes: {}\n");
    expect(half.error).toMatch(/delete-protected/);
    expect(ran(half)).toEqual(["node bin/register delete"]);
    expect(half.steps.map((s) => s.name.slice(NODE.length))).toEqual(expect.arrayContaining(["-register", "-rdns-v4", "-rdns-v6"]));
    expect(half.state.some((r) => r.name === `${NODE}-server`)).toBe(true);
  });
});

describe("destroy with protection on", () => {
  it("refuses to remove a protected node, and deregisters nothing on the way", async () => {
    const first = await created();
    const removed = await up(first.state, "nodes: {}\n");
    expect(removed.error).toMatch(new RegExp(`${NODE}-register.* cannot be deleted because it is protected`));
    expect(ran(removed)).toEqual([]);
  });

  it("removes it once an admin lifts the protection fleet diff names; deregisters and shuts down before deleting", async () => {
    const first = await created();
    const removed = await up(adminUnprotects(first.state, REMOVAL_BLOCKED), "nodes: {}\n");
    expect(removed.error).toBeUndefined();
    expect(removed.steps.every((s) => s.op === "delete" || s.op === "same")).toBe(true);
    expect(ran(removed)).toEqual(["node bin/register delete"]);
    expect(step(removed, "-server")?.calls).toEqual(["shutdown+delete"]);
    expect(removed.state.filter((r) => r.name.startsWith(NODE))).toEqual([]);
  });
});

describe("master-key rotation with protection on", () => {
  it("re-provisions every node with the new key and replaces no server", async () => {
    const first = await created({ masterSshPublicKey: MASTER_A });
    const rotated = await up(first.state, fleet(""), { masterSshPublicKey: MASTER_B });
    expect(rotated.error).toBeUndefined();
    expect(step(rotated, "-server")?.op).toBe("same");
    expect(step(rotated, "-provision")).toEqual(expect.objectContaining({ op: "update", runs: ["ansible/bin/provision"] }));
  });

  it("rebuilds after a rotation with the node's own key id, not the ids recorded at creation", async () => {
    const first = await created({ masterSshPublicKey: MASTER_A });
    const rotated = await up(first.state, fleet(""), { masterSshPublicKey: MASTER_B });
    const rebuild = await up(adminUnprotects(rotated.state, REBUILD_BLOCKED), fleet("rebuild: 1"), { masterSshPublicKey: MASTER_B });
    expect(rebuild.error).toBeUndefined();
    const server = rebuild.state.find((r) => r.name === `${NODE}-server`)!;
    const ownKey = rebuild.state.find((r) => r.name === `${NODE}-ssh-key`)!;
    expect(server.inputs.sshKeys).toEqual([expect.any(String)]);
    expect(server.propertyDependencies.sshKeys).toEqual([ownKey.urn]);
  });
});

describe("auto-registration off with protection on", () => {
  it("deregisters nobody when the feature is switched off", async () => {
    const first = await created();
    const off = await up(first.state, fleet(""), { features: { autoRegistration: false, costTracking: true } });
    expect(off.error).toBeUndefined();
    expect(step(off, "-register")?.op).toBe("update");
    expect(ran(off)).toEqual([]);
  });

  it("leaves the platform alone when such a node is later removed", async () => {
    const settings = { features: { autoRegistration: false, costTracking: true } };
    const first = await created();
    const off = await up(first.state, fleet(""), settings);
    const removed = await up(adminUnprotects(off.state, REMOVAL_BLOCKED), "nodes: {}\n", settings);
    expect(removed.error).toBeUndefined();
    expect(ran(removed)).toEqual([]);
  });

  it("registers again when switched back on", async () => {
    const first = await created();
    const off = await up(first.state, fleet(""), { features: { autoRegistration: false, costTracking: true } });
    const on = await up(off.state, fleet(""));
    expect(ran(on)).toEqual(["node bin/register put"]);
  });
});

describe("timing knobs", () => {
  it("a changed sshWait reaches the steps but leaves the configuration digest, so no playbook re-runs", async () => {
    const first = await created();
    const slower = await up(first.state, fleet(""), { timeouts: { serverCreate: 600, provision: 1800, sshWait: 600, registration: 120 } });
    const env = (d: Deployment) => d.state.find((r) => r.name === `${NODE}-provision`)!.inputs.environment as Record<string, unknown>;
    expect(step(slower, "-provision")?.op).toBe("update");
    expect(env(slower).NODE_CONFIG_DIGEST).toBe(env(first).NODE_CONFIG_DIGEST);
    expect(step(slower, "-server")?.op).toBe("same");
  });
});

describe("edits outside a node's own entry", () => {
  const STG = "stg-sha-het-de-fsn1-001";
  const stg = (head: string, image = "ubuntu-24.04") => `${head}nodes:\n  ${STG}: { size: cpx22, image: ${image} }\n  stg-sha-het-de-nbg1-001: { size: cpx22, image: ubuntu-24.04 }\n`;

  it("refuses a defaults image before declaring anything, so no existing server is rebuilt", async () => {
    await expect(runStack("stg", stg("defaults: { image: debian-13 }\n"))).rejects.toThrow(/image may not be set in defaults/);
  });

  it("refuses a defaults rebuild generation the same way", async () => {
    await expect(runStack("stg", stg("defaults: { rebuild: 1 }\n"))).rejects.toThrow(/rebuild may not be set in defaults/);
  });

  it("refuses a node that would take its image from the code default", async () => {
    await expect(runStack("stg", `nodes:\n  ${STG}: { size: cpx22 }\n`)).rejects.toThrow(/has no image of its own/);
  });

  it("rebuilds only the node whose own image changed (unprotected stg)", async () => {
    const first = deploy([], (await runStack("stg", stg(""))).state);
    const next = deploy(first.state, (await runStack("stg", stg("", "debian-13"))).state);
    expect(next.error).toBeUndefined();
    expect(next.steps.filter((s) => s.op === "replace" && s.type === "hcloud:index/server:Server").map((s) => s.name)).toEqual([`${STG}-server`]);
  });

  it("refuses a protected node's own image change until an admin lifts its protection", async () => {
    const first = await created();
    const next = await up(first.state, fleet("").replace("ubuntu-24.04", "debian-13"));
    expect(next.error).toMatch(/marked for protection/);
    expect(ran(next)).toEqual([]);
  });
});
