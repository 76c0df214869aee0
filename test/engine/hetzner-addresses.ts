// Hetzner's side of a node's addresses: what the hcloud provider (terraform-provider-hcloud
// v1.68.0) calls when the engine takes a step on a server, a Primary IP or a reverse DNS
// entry, and the API rules those calls meet. test/engine/model.ts decides the steps; this
// plays them against a small cloud, so a test sees which address ends where.
import { same } from "../../src/review/engine-rules";
import type { Deployment, EngineResource } from "./model";

export const SERVER = "hcloud:index/server:Server";
export const PRIMARY_IP = "hcloud:index/primaryIp:PrimaryIp";
export const RDNS = "hcloud:index/rdns:Rdns";

export interface CloudIp {
  readonly id: number;
  name: string;
  readonly family: "ipv4" | "ipv6";
  readonly location: string;
  /** The IPv4 address, or the IPv6 network (`2001:db8:1::`). */
  readonly address: string;
  assignee?: number;
  autoDelete: boolean;
  deleteProtection: boolean;
  ptr?: string;
}

export interface CloudServer {
  readonly id: number;
  readonly location: string;
  status: "running" | "off";
  ipv4?: number;
  ipv6?: number;
}

/** A Hetzner project: its Primary IPs and servers, and every call made, in order. */
export interface Cloud {
  readonly ips: Map<number, CloudIp>;
  readonly servers: Map<number, CloudServer>;
  readonly calls: string[];
  nextId: number;
}

export function emptyCloud(): Cloud {
  return { ips: new Map(), servers: new Map(), calls: [], nextId: 9_000_000 };
}

export class HetznerError extends Error {}

type PublicNet = { ipv4Enabled?: boolean; ipv6Enabled?: boolean; ipv4?: number; ipv6?: number };

/** internal/server/resource.go resourceServerCreate: a `public_net` id becomes
 *  ServerCreatePublicNet.IPv4/IPv6 = that Primary IP; an enabled family without one gets
 *  a new Primary IP from the API, with auto_delete on (the server's "own" address). The
 *  API assigns a Primary IP to one server at a time and only in its own location. */
export function createServer(cloud: Cloud, location: string, publicNet: PublicNet, newAddress: (family: "ipv4" | "ipv6") => string): CloudServer {
  const server: CloudServer = { id: cloud.nextId++, location, status: "running" };
  for (const family of ["ipv4", "ipv6"] as const) {
    const wanted = publicNet[family];
    if (wanted !== undefined && wanted !== 0) {
      const ip = cloud.ips.get(wanted);
      if (!ip) throw new HetznerError(`server create: Primary IP ${wanted} does not exist`);
      if (ip.assignee !== undefined) throw new HetznerError(`server create: Primary IP ${wanted} is already assigned to server ${ip.assignee}`);
      if (ip.location !== location) throw new HetznerError(`server create: Primary IP ${wanted} is in ${ip.location}, the server in ${location}`);
      ip.assignee = server.id;
      server[family] = ip.id;
    } else if (publicNet[`${family}Enabled`] !== false) {
      const ip: CloudIp = { id: cloud.nextId++, name: `primary_ip-${cloud.nextId}`, family, location, address: newAddress(family), autoDelete: true, deleteProtection: false, assignee: server.id };
      cloud.ips.set(ip.id, ip);
      server[family] = ip.id;
    }
  }
  cloud.servers.set(server.id, server);
  cloud.calls.push(`create server ${server.id}`);
  return server;
}

/** resourceServerDelete (shutdown_before_deletion, then DeleteWithResult). Hetzner then
 *  unassigns the server's Primary IPs and deletes those with auto_delete on (the
 *  provider's auto_delete description: "if a server assigned to the managed ip is
 *  deleted, it will also delete the primary IP"). */
export function deleteServer(cloud: Cloud, serverId: number): void {
  const server = cloud.servers.get(serverId);
  if (!server) return;
  for (const ip of [...cloud.ips.values()].filter((i) => i.assignee === serverId)) {
    ip.assignee = undefined;
    if (ip.autoDelete) cloud.ips.delete(ip.id);
  }
  cloud.servers.delete(serverId);
  cloud.calls.push(`shutdown+delete server ${serverId}`);
}

/** internal/primaryip/helpers.go AssignPrimaryIP (POST /primary_ips/{id}/actions/assign):
 *  the API assigns only to a server that is off, only an unassigned address, only one
 *  address of a family per server, only in the server's location. */
export function assign(cloud: Cloud, ipId: number, serverId: number): void {
  const ip = cloud.ips.get(ipId);
  const server = cloud.servers.get(serverId);
  if (!ip || !server) throw new HetznerError(`assign: Primary IP ${ipId} or server ${serverId} does not exist`);
  if (server.status !== "off") throw new HetznerError(`assign: server ${serverId} must be powered off to get Primary IP ${ipId}`);
  if (ip.assignee !== undefined) throw new HetznerError(`assign: Primary IP ${ipId} is already assigned to server ${ip.assignee}`);
  if (server[ip.family] !== undefined) throw new HetznerError(`assign: server ${serverId} already has an ${ip.family} Primary IP`);
  if (ip.location !== server.location) throw new HetznerError(`assign: Primary IP ${ipId} is in ${ip.location}, the server in ${server.location}`);
  ip.assignee = serverId;
  server[ip.family] = ipId;
  cloud.calls.push(`assign ${ipId} to ${serverId}`);
}

/** helpers.go UnassignPrimaryIP: like assign, only while the server is off. */
export function unassign(cloud: Cloud, ipId: number): void {
  const ip = cloud.ips.get(ipId);
  if (!ip || ip.assignee === undefined) return;
  const server = cloud.servers.get(ip.assignee)!;
  if (server.status !== "off") throw new HetznerError(`unassign: server ${server.id} must be powered off to give up Primary IP ${ipId}`);
  server[ip.family] = undefined;
  ip.assignee = undefined;
  cloud.calls.push(`unassign ${ipId}`);
}

function deletePrimaryIpCall(cloud: Cloud, ipId: number): void {
  const ip = cloud.ips.get(ipId);
  if (!ip) return;
  if (ip.deleteProtection) throw new HetznerError(`delete: Primary IP ${ipId} is delete-protected`);
  cloud.ips.delete(ipId);
  cloud.calls.push(`delete Primary IP ${ipId}`);
}

function power(cloud: Cloud, serverId: number, status: "running" | "off"): void {
  cloud.servers.get(serverId)!.status = status;
  cloud.calls.push(`${status === "off" ? "poweroff" : "poweron"} ${serverId}`);
}

/** internal/server/resource.go updatePublicNet + publicNetUpdateDecision, for a
 *  `public_net` whose ids changed: a hard Poweroff first; for a family now given an id,
 *  the server's current Primary IP is unassigned and — when the OLD public_net named no
 *  id for it — deleted, then the new one is assigned; Poweron at the end (or after an
 *  error). `oldIds` are the ids the state recorded in public_net. */
export function updatePublicNet(cloud: Cloud, serverId: number, oldIds: PublicNet, newIds: PublicNet): void {
  power(cloud, serverId, "off");
  try {
    for (const family of ["ipv4", "ipv6"] as const) {
      const next = newIds[family];
      if (next === undefined || next === 0 || next === oldIds[family]) continue;
      const current = cloud.servers.get(serverId)![family];
      if (current !== undefined) {
        unassign(cloud, current);
        if (!oldIds[family]) deletePrimaryIpCall(cloud, current);
      }
      assign(cloud, next, serverId);
    }
  } finally {
    power(cloud, serverId, "running");
  }
}

/** internal/primaryip/resource.go Resource.Create: with a location (never an assignee
 *  here), then ChangeProtection when delete_protection is set. */
function createPrimaryIp(cloud: Cloud, id: number, inputs: Record<string, unknown>, address: string): void {
  cloud.ips.set(id, {
    id, name: String(inputs.name), family: inputs.type as "ipv4" | "ipv6", location: String(inputs.location), address,
    autoDelete: inputs.autoDelete === true, deleteProtection: inputs.deleteProtection === true,
  });
  cloud.calls.push(`create Primary IP ${id}`);
}

/** Resource.Update: protection first; the assignee only when the plan knows it and it
 *  differs (an Optional+Computed attribute the program leaves out is unknown in the plan,
 *  so it is left alone): Unassign the old one, then Assign the new one — neither powers
 *  the server off; then name, labels and auto_delete. */
function updatePrimaryIp(cloud: Cloud, id: number, old: Record<string, unknown>, next: Record<string, unknown>, serverIdOf: (assigneeId: number) => number): void {
  const ip = cloud.ips.get(id)!;
  ip.deleteProtection = next.deleteProtection === true;
  if (next.assigneeId !== undefined && !same(next.assigneeId, old.assigneeId)) {
    if (ip.assignee !== undefined) unassign(cloud, id);
    if (next.assigneeId !== 0) assign(cloud, id, serverIdOf(Number(next.assigneeId)));
  }
  ip.name = String(next.name);
  ip.autoDelete = next.autoDelete === true;
  cloud.calls.push(`update Primary IP ${id}`);
}

/** Resource.Delete: an assigned address is taken from its server (Poweroff, Unassign,
 *  Poweron) before the delete, which the API refuses while delete protection is on. */
function deletePrimaryIp(cloud: Cloud, id: number): void {
  const ip = cloud.ips.get(id);
  if (!ip) return;
  if (ip.assignee !== undefined) {
    const server = ip.assignee;
    power(cloud, server, "off");
    unassign(cloud, id);
    power(cloud, server, "running");
  }
  deletePrimaryIpCall(cloud, id);
}

/** How the test's program runs name things in the cloud: the id the program saw for a
 *  Primary IP (the mocks' id, or the one an import recorded) is its Hetzner id; servers
 *  get the cloud's ids, kept here by URN. */
export interface CloudBinding {
  readonly ipIdOf: (resource: EngineResource) => number;
  readonly addressOf: (resource: EngineResource) => string;
  readonly serverOf: Map<string, number>;
  /** The server a program-side server id (as the program saw it) stands for. */
  readonly serverIdOf: (programId: number) => number;
}

/** Plays one deployment's steps on the cloud, in the engine's order. A replacement
 *  deletes first when the resource is deleteBeforeReplace (pulumi v3.248.0
 *  pkg/resource/deploy/step_generator.go continueStepsFromDiff: DeleteReplacementStep,
 *  ReplaceStep, CreateReplacementStep), else creates first and deletes the old one after
 *  every other step ("the delete step is generated later on"). Returns the error that
 *  stops the deployment there, as the provider reports it. */
export function playOnCloud(cloud: Cloud, deployment: Deployment, previous: readonly EngineResource[], binding: CloudBinding): string | undefined {
  const olds = new Map(previous.map((r) => [r.urn, r]));
  const news = new Map(deployment.state.map((r) => [r.urn, r]));
  const byName = (name: string) => [...news.values(), ...previous].find((r) => r.name === name)!;
  const deferred: (() => void)[] = [];
  const newAddress = (family: "ipv4" | "ipv6") => (family === "ipv4" ? `203.0.113.${cloud.nextId % 250}` : `2001:db8:${(cloud.nextId % 0xffff).toString(16)}::`);
  const createServerFor = (r: EngineResource) => {
    const net = ((r.inputs.publicNets as PublicNet[] | undefined) ?? [{}])[0]!;
    binding.serverOf.set(r.urn, createServer(cloud, String(r.inputs.location), net, newAddress).id);
  };
  try {
    for (const step of deployment.steps) {
      const next = byName(step.name);
      const old = olds.get(next.urn);
      if (step.type === PRIMARY_IP) {
        if (step.op === "create") createPrimaryIp(cloud, binding.ipIdOf(next), next.inputs, binding.addressOf(next));
        if (step.op === "update") updatePrimaryIp(cloud, binding.ipIdOf(next), old!.inputs, next.inputs, binding.serverIdOf);
        if (step.op === "delete") deletePrimaryIp(cloud, binding.ipIdOf(next));
      } else if (step.type === SERVER) {
        const serverId = binding.serverOf.get(next.urn);
        if (step.op === "create") createServerFor(next);
        if (step.op === "delete" && serverId !== undefined) deleteServer(cloud, serverId);
        if (step.op === "replace") {
          if (next.deleteBeforeReplace) {
            if (serverId !== undefined) deleteServer(cloud, serverId);
            createServerFor(next);
          } else {
            createServerFor(next);
            if (serverId !== undefined) deferred.push(() => deleteServer(cloud, serverId));
          }
        }
        if (step.op === "update" && serverId !== undefined && !same(old!.inputs.publicNets, next.inputs.publicNets)) {
          const ids = (v: unknown) => ((v as PublicNet[] | undefined) ?? [{}])[0]!;
          updatePublicNet(cloud, serverId, ids(old!.inputs.publicNets), ids(next.inputs.publicNets));
        }
      } else if (step.type === RDNS && (step.op === "create" || step.op === "replace" || step.op === "update")) {
        const address = String(next.inputs.ipAddress);
        const ip = [...cloud.ips.values()].find((i) => (i.family === "ipv4" ? address === i.address : address.startsWith(i.address)));
        if (!ip) throw new HetznerError(`rdns: no Primary IP holds ${address}`);
        ip.ptr = String(next.inputs.dnsPtr);
      }
    }
    for (const run of deferred) run();
  } catch (err) {
    if (err instanceof HetznerError) return err.message;
    throw err;
  }
  return undefined;
}
