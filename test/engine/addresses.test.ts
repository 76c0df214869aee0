// A node keeps its IPv4 and IPv6 through a rebuild: program runs over the previous state
// (test/engine/model.ts deploy, pulumi v3.248.0 step_generator.go), played against Hetzner's
// rules for Primary IPs (test/engine/hetzner-addresses.ts, terraform-provider-hcloud
// v1.68.0 internal/primaryip/resource.go Resource.Create/Update/Delete, helpers.go
// AssignPrimaryIP/UnassignPrimaryIP, internal/server/resource.go resourceServerCreate,
// resourceServerDelete, updatePublicNet, publicNetUpdateDecision).
import { describe, expect, it } from "vitest";
import { fakeOutputs, runStack, stableId } from "../components/harness";
import { emptyCloud, playOnCloud, PRIMARY_IP, SERVER, type Cloud, type CloudBinding } from "./hetzner-addresses";
import { deploy, stepOf, type Deployment, type EngineResource } from "./model";

const NODE = "prd-sha-het-de-fsn1-001";
const fleet = (body = "") => `nodes:\n  ${NODE}: { size: cpx22, image: ubuntu-24.04${body ? `, ${body}` : ""} }\n`;
const step = (d: Deployment, suffix: string) => stepOf(d, `${NODE}${suffix}`);

/** The program's Primary IP ids and addresses are the cloud's: the mocks' id and outputs. */
function freshBinding(): CloudBinding {
  return {
    ipIdOf: (r) => stableId(r.type, r.name),
    addressOf: (r) => fakeOutputs(r.type, r.name, r.inputs, stableId(r.type, r.name)).ipAddress as string,
    serverOf: new Map(),
    serverIdOf: (id) => id,
  };
}

/** Lifts what `fleet diff` names for a prd rebuild: Pulumi's protect of the server and the
 *  panel password, and the server's Hetzner protection. */
function adminUnprotects(state: readonly EngineResource[]): EngineResource[] {
  return state.map((r) => (![`${NODE}-host-key`, `${NODE}-server`, `${NODE}-panel-password`].includes(r.name) ? r : {
    ...r, protect: false, ...(r.name.endsWith("-server") ? { inputs: { ...r.inputs, deleteProtection: false, rebuildProtection: false } } : {}),
  }));
}

const edit = (state: readonly EngineResource[], name: string, change: (r: EngineResource) => EngineResource) =>
  state.map((r) => (r.name === `${NODE}${name}` ? change(r) : r));

async function createdOnCloud(change: (s: EngineResource[]) => EngineResource[] = (s) => s) {
  const first = deploy([], change((await runStack("prd", fleet())).state));
  const cloud = emptyCloud();
  const binding = freshBinding();
  expect(playOnCloud(cloud, first, [], binding)).toBeUndefined();
  return { first, cloud, binding };
}

/** Where each of the node's addresses is: address, assignee, auto_delete, protection, PTR. */
const addresses = (cloud: Cloud) => [...cloud.ips.values()].map((ip) => ({ address: ip.address, assignee: ip.assignee, autoDelete: ip.autoDelete, deleteProtection: ip.deleteProtection, ptr: ip.ptr }));

describe("a new node", () => {
  it("gets two addresses of its own, assigned to its server, kept with the server's deletion and protected", async () => {
    const { cloud } = await createdOnCloud();
    const [server] = [...cloud.servers.values()];
    expect(addresses(cloud)).toEqual(["ipv4", "ipv6"].map((family) => ({
      address: fakeOutputs(PRIMARY_IP, `${NODE}-${family}`, { type: family }, stableId(PRIMARY_IP, `${NODE}-${family}`)).ipAddress,
      assignee: server!.id, autoDelete: false, deleteProtection: true, ptr: `${NODE}.infra.example.com`,
    })));
  });
});

describe("a rebuild (a `rebuild` bump)", () => {
  it("keeps both addresses and their reverse DNS: the new server is created with them", async () => {
    const { first, cloud, binding } = await createdOnCloud();
    const before = addresses(cloud);
    const oldServer = [...cloud.servers.keys()][0]!;
    const rebuild = deploy(adminUnprotects(first.state), (await runStack("prd", fleet("rebuild: 1"))).state);
    expect(rebuild.error).toBeUndefined();
    expect(playOnCloud(cloud, rebuild, first.state, binding)).toBeUndefined();
    const newServer = [...cloud.servers.keys()][0]!;
    expect(newServer).not.toBe(oldServer);
    expect(addresses(cloud)).toEqual(before.map((a) => ({ ...a, assignee: newServer })));
  });

  it("leaves the addresses, the reverse DNS and the A and AAAA records untouched in the engine", async () => {
    const { first } = await createdOnCloud();
    const rebuild = deploy(adminUnprotects(first.state), (await runStack("prd", fleet("rebuild: 1"))).state);
    expect(["-ipv4", "-ipv6", "-rdns-v4", "-rdns-v6", "-a", "-aaaa"].map((s) => step(rebuild, s)?.op)).toEqual(["same", "same", "same", "same", "same", "same"]);
    expect(step(rebuild, "-server")?.op).toBe("replace");
  });

  it("deletes the old server before creating the new one, which is what frees the addresses", async () => {
    const { first, cloud, binding } = await createdOnCloud();
    const rebuild = deploy(adminUnprotects(first.state), (await runStack("prd", fleet("rebuild: 1"))).state);
    cloud.calls.length = 0;
    playOnCloud(cloud, rebuild, first.state, binding);
    expect(cloud.calls.map((c) => c.replace(/\d+/g, "N"))).toEqual(["shutdown+delete server N", "create server N"]);
  });

  it("would be refused if the replacement were created first: a Primary IP has one assignee", async () => {
    const { first, cloud, binding } = await createdOnCloud();
    const declared = edit((await runStack("prd", fleet("rebuild: 1"))).state, "-server", (r) => ({ ...r, deleteBeforeReplace: false }));
    const rebuild = deploy(adminUnprotects(first.state), declared);
    expect(playOnCloud(cloud, rebuild, first.state, binding)).toMatch(/^server create: Primary IP \d+ is already assigned to server \d+$/);
  });

  it("would lose the addresses with auto_delete on: Hetzner deletes them with the old server", async () => {
    const autoDelete = (s: EngineResource[]) => ["-ipv4", "-ipv6"].reduce((acc, n) => edit(acc, n, (r) => ({ ...r, inputs: { ...r.inputs, autoDelete: true } })), s);
    const { first, cloud, binding } = await createdOnCloud(autoDelete);
    const rebuild = deploy(adminUnprotects(first.state), autoDelete((await runStack("prd", fleet("rebuild: 1"))).state));
    expect(playOnCloud(cloud, rebuild, first.state, binding)).toMatch(/^server create: Primary IP \d+ does not exist$/);
    expect(cloud.ips.size).toBe(0);
  });
});

describe("assigning an address", () => {
  it("through the Primary IP's assigneeId is refused while the server runs (Resource.Update assigns without a power-off)", async () => {
    const { first, cloud, binding } = await createdOnCloud();
    const declared = edit((await runStack("prd", fleet())).state, "-ipv4", (r) => ({ ...r, inputs: { ...r.inputs, assigneeId: stableId(SERVER, `${NODE}-server`), assigneeType: "server" } }));
    const next = deploy(first.state, declared);
    const serverId = [...cloud.servers.keys()][0]!;
    expect(playOnCloud(cloud, next, first.state, { ...binding, serverIdOf: () => serverId }))
      .toBe(`unassign: server ${serverId} must be powered off to give up Primary IP ${stableId(PRIMARY_IP, `${NODE}-ipv4`)}`);
  });
});
