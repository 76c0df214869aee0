// The one-time move of an existing node to addresses of its own (docs/addresses.md
// "Existing nodes"), as a program run over the state the previous release recorded
// (test/fixtures/state/prd-node-before-primary-ips.json: one prd node, created by the
// program before Primary IPs; its server has Hetzner's automatic addresses).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runStack, stableId } from "../components/harness";
import { createServer, emptyCloud, playOnCloud, PRIMARY_IP, RDNS, SERVER, type Cloud, type CloudBinding } from "./hetzner-addresses";
import { deploy, stepOf, type Deployment, type EngineResource } from "./model";

const NODE = "prd-sha-het-de-fsn1-001";
const FQDN = `${NODE}.infra.example.com`;
const FLEET = `nodes:\n  ${NODE}: { size: cpx22, image: ubuntu-24.04 }\n`;
const step = (d: Deployment, suffix: string) => stepOf(d, `${NODE}${suffix}`);

const previousState = (): EngineResource[] =>
  JSON.parse(readFileSync(join(__dirname, "../fixtures/state/prd-node-before-primary-ips.json"), "utf8")) as EngineResource[];
const named = (state: readonly EngineResource[], suffix: string) => state.find((r) => r.name === `${NODE}${suffix}`)!;

/** Hetzner as the previous release left it: the server, created without Primary IP ids,
 *  holds two automatic addresses (auto_delete on) — the ones its DNS records name — with
 *  the PTR its reverse DNS entries set. */
function cloudOf(state: readonly EngineResource[]): { cloud: Cloud; serverId: number; ipv4: number; ipv6: number } {
  const cloud = emptyCloud();
  const a = String(named(state, "-a").inputs.content);
  const aaaa = String(named(state, "-aaaa").inputs.content);
  const server = createServer(cloud, "fsn1", { ipv4Enabled: true, ipv6Enabled: true }, (family) => (family === "ipv4" ? a : aaaa.replace(/1$/, "")));
  for (const ip of cloud.ips.values()) ip.ptr = FQDN;
  return { cloud, serverId: server.id, ipv4: server.ipv4!, ipv6: server.ipv6! };
}

/** A resource's URN under the node, as the program registers it. */
const urnOf = (state: readonly EngineResource[], type: string, name: string) =>
  named(state, "-server").urn.replace(`${SERVER}::${NODE}-server`, `${type}::${name}`);

/** `pulumi import --file` (pulumi v3.248.0 pkg/resource/deploy/step.go ImportStep.Apply,
 *  planned import): the provider's Read gives the inputs the state records; `--protect`
 *  defaults to true. */
function imported(state: readonly EngineResource[], type: string, name: string, inputs: Record<string, unknown>): EngineResource {
  return {
    urn: urnOf(state, type, name), type, name, custom: true, protect: true, deleteBeforeReplace: false, retainOnDelete: false,
    ignoreChanges: [], replacementTrigger: undefined, inputs, dependencies: [], propertyDependencies: {}, customTimeouts: {},
  };
}

/** The steps of docs/addresses.md, over the previous state:
 *  1. `pulumi state delete --force` of both reverse DNS entries (pkg/cmd/pulumi/state/state_delete.go:
 *     the state forgets them, Hetzner keeps the PTR);
 *  2. `pulumi import --file` of both Primary IPs (Read: name, type, location, auto_delete,
 *     protection, labels, assignee) and of both reverse DNS entries as `p-<id>-<ip>`
 *     (internal/rdns/common.go FormatID);
 *  3. `pulumi stack export`, the server's recorded publicNets given both ids, `pulumi stack import`. */
function adopt(state: readonly EngineResource[], cloud: Cloud, ids: { ipv4: number; ipv6: number }, recordIds = true): EngineResource[] {
  const read = (id: number) => {
    const ip = cloud.ips.get(id)!;
    return { name: ip.name, type: ip.family, location: ip.location, autoDelete: ip.autoDelete, deleteProtection: ip.deleteProtection, labels: {}, assigneeId: ip.assignee, assigneeType: "server" };
  };
  const v4 = cloud.ips.get(ids.ipv4)!;
  const v6 = cloud.ips.get(ids.ipv6)!;
  const kept = state.filter((r) => r.type !== RDNS).map((r) => (!recordIds || r.type !== SERVER ? r : {
    ...r, inputs: { ...r.inputs, publicNets: [{ ipv4Enabled: true, ipv6Enabled: true, ipv4: ids.ipv4, ipv6: ids.ipv6 }] },
  }));
  return [
    ...kept,
    imported(state, PRIMARY_IP, `${NODE}-ipv4`, read(ids.ipv4)),
    imported(state, PRIMARY_IP, `${NODE}-ipv6`, read(ids.ipv6)),
    imported(state, RDNS, `${NODE}-rdns-v4`, { primaryIpId: v4.id, ipAddress: v4.address, dnsPtr: v4.ptr }),
    imported(state, RDNS, `${NODE}-rdns-v6`, { primaryIpId: v6.id, ipAddress: `${v6.address}1`, dnsPtr: v6.ptr }),
  ];
}

/** The first `pulumi up` of this release over the adopted state: the engine hands the
 *  program the imported addresses' ids and outputs. */
async function firstUp(state: readonly EngineResource[], cloud: Cloud, ids: { ipv4: number; ipv6: number }): Promise<Deployment> {
  const recorded = {
    [`${NODE}-ipv4`]: { id: String(ids.ipv4), outputs: { ipAddress: cloud.ips.get(ids.ipv4)!.address } },
    [`${NODE}-ipv6`]: { id: String(ids.ipv6), outputs: { ipAddress: cloud.ips.get(ids.ipv6)!.address } },
  };
  return deploy(state, (await runStack("prd", FLEET, {}, { registrationToken: "token-for-tests" }, { recorded })).state);
}

function bindingFor(state: readonly EngineResource[], serverId: number, ids: { ipv4: number; ipv6: number }): CloudBinding {
  return {
    ipIdOf: (r) => (r.name.endsWith("-ipv4") ? ids.ipv4 : r.name.endsWith("-ipv6") ? ids.ipv6 : stableId(r.type, r.name)),
    addressOf: () => "",
    serverOf: new Map([[named(state, "-server").urn, serverId]]),
    serverIdOf: () => serverId,
  };
}

describe("adopting the addresses an existing node has today", () => {
  it("deploys without touching the server, its DNS or its reverse DNS: only the addresses are updated", async () => {
    const before = previousState();
    const { cloud, ipv4, ipv6 } = cloudOf(before);
    const first = await firstUp(adopt(before, cloud, { ipv4, ipv6 }), cloud, { ipv4, ipv6 });
    expect(first.error).toBeUndefined();
    expect(["-server", "-rdns-v4", "-rdns-v6", "-a", "-aaaa"].map((s) => step(first, s)?.op)).toEqual(["same", "same", "same", "same", "same"]);
    expect([step(first, "-ipv4")?.op, step(first, "-ipv6")?.op]).toEqual(["update", "update"]);
  });

  it("keeps both addresses on the running server, renamed for the node, kept with the server's deletion and protected", async () => {
    const before = previousState();
    const { cloud, serverId, ipv4, ipv6 } = cloudOf(before);
    const state = adopt(before, cloud, { ipv4, ipv6 });
    const first = await firstUp(state, cloud, { ipv4, ipv6 });
    cloud.calls.length = 0;
    expect(playOnCloud(cloud, first, state, bindingFor(before, serverId, { ipv4, ipv6 }))).toBeUndefined();
    expect([...cloud.ips.values()].map((ip) => [ip.name, ip.address, ip.assignee, ip.autoDelete, ip.deleteProtection, ip.ptr])).toEqual([
      [`${NODE}-ipv4`, named(before, "-a").inputs.content, serverId, false, true, FQDN],
      [`${NODE}-ipv6`, String(named(before, "-aaaa").inputs.content).replace(/1$/, ""), serverId, false, true, FQDN],
    ]);
    expect(cloud.calls.filter((c) => c.startsWith("poweroff"))).toEqual([]);
  });

  it("then survives a rebuild like a new node", async () => {
    const before = previousState();
    const { cloud, serverId, ipv4, ipv6 } = cloudOf(before);
    const adopted = adopt(before, cloud, { ipv4, ipv6 });
    const binding = bindingFor(before, serverId, { ipv4, ipv6 });
    const first = await firstUp(adopted, cloud, { ipv4, ipv6 });
    playOnCloud(cloud, first, adopted, binding);
    const unprotected = first.state.map((r) => (![`${NODE}-host-key`, `${NODE}-server`, `${NODE}-panel-password`].includes(r.name) ? r
      : { ...r, protect: false, inputs: r.type === SERVER ? { ...r.inputs, deleteProtection: false } : r.inputs }));
    const recorded = Object.fromEntries([ipv4, ipv6].map((id) => [cloud.ips.get(id)!.name, { id: String(id), outputs: { ipAddress: cloud.ips.get(id)!.address } }]));
    const rebuild = deploy(unprotected, (await runStack("prd", FLEET.replace("ubuntu-24.04", "ubuntu-24.04, rebuild: 1"), {}, { registrationToken: "token-for-tests" }, { recorded })).state);
    expect(playOnCloud(cloud, rebuild, unprotected, binding)).toBeUndefined();
    const [newServer] = [...cloud.servers.values()];
    expect(newServer!.id).not.toBe(serverId);
    expect([newServer!.ipv4, newServer!.ipv6]).toEqual([ipv4, ipv6]);
  });

  it("must record the ids on the server first: otherwise the provider's updatePublicNet powers it off, unassigns its IPv4 and tries to delete it", async () => {
    const before = previousState();
    const { cloud, serverId, ipv4, ipv6 } = cloudOf(before);
    const state = adopt(before, cloud, { ipv4, ipv6 }, false);
    const first = await firstUp(state, cloud, { ipv4, ipv6 });
    expect(step(first, "-server")?.op).toBe("update");
    expect(playOnCloud(cloud, first, state, bindingFor(before, serverId, { ipv4, ipv6 }))).toBe(`delete: Primary IP ${ipv4} is delete-protected`);
    expect(cloud.servers.get(serverId)!.ipv4).toBeUndefined();
    expect(cloud.calls).toContain(`poweroff ${serverId}`);
  });

  it("must import first: a plain `pulumi up` would give the node new addresses and delete the old ones", async () => {
    const before = previousState();
    const { cloud, serverId, ipv4 } = cloudOf(before);
    const first = deploy(before, (await runStack("prd", FLEET)).state);
    const binding: CloudBinding = { ...bindingFor(before, serverId, { ipv4: 0, ipv6: 0 }), ipIdOf: (r) => stableId(r.type, r.name), addressOf: () => "198.51.100.77" };
    playOnCloud(cloud, first, before, binding);
    expect(cloud.ips.has(ipv4)).toBe(false);
  });
});
