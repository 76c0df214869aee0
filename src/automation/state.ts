import type { Deployment } from "@pulumi/pulumi/automation";
import { nodeResourceOf } from "./urn";

/** A resource as the stack's state records it (the parts we read). */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly protect: boolean;
  /** URNs it depends on (the engine records inputs' and explicit dependencies). */
  readonly dependencies: readonly string[];
  /** The provider's id, for custom resources. */
  readonly id?: string;
  /** Whether the provider itself guards it (a Hetzner server's `deleteProtection`). */
  readonly providerProtected: boolean;
}

/** The resources of `pulumi stack export`'s checkpoint (apitype.DeploymentV3). */
export function stateResources(deployment: Deployment): StateResource[] {
  const resources = (deployment.deployment as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((r: unknown) => {
    const { urn, type, protect, dependencies, id, outputs, inputs } = (r ?? {}) as Record<string, unknown>;
    if (typeof urn !== "string" || typeof type !== "string") return [];
    const deps = Array.isArray(dependencies) ? dependencies.filter((d): d is string => typeof d === "string") : [];
    const state = (outputs ?? inputs ?? {}) as Record<string, unknown>;
    return [{
      urn, type, protect: protect === true, dependencies: deps, ...(typeof id === "string" && id !== "" ? { id } : {}),
      providerProtected: state.deleteProtection === true,
    }];
  });
}

/** The resources of one node, by role (`server`, `provision`, …; "" for the component). */
export function nodeResources(resources: readonly StateResource[], hostname: string): Map<string, StateResource> {
  const byRole = new Map<string, StateResource>();
  for (const r of resources) {
    const where = nodeResourceOf(r.urn);
    if (where?.hostname === hostname) byRole.set(where.role, r);
  }
  return byRole;
}

/** Nodes with at least one protected resource, sorted. */
export function protectedNodes(resources: readonly StateResource[]): string[] {
  const nodes = new Set<string>();
  for (const r of resources) {
    const where = r.protect ? nodeResourceOf(r.urn) : undefined;
    if (where) nodes.add(where.hostname);
  }
  return [...nodes].sort();
}

/** `urn` and every resource that depends on it, directly or through others: what must
 *  follow when it is replaced. In state order, which is dependency order. */
export function withDependents(resources: readonly StateResource[], urn: string): StateResource[] {
  const affected = new Set([urn]);
  const result: StateResource[] = [];
  for (const r of resources) {
    if (affected.has(r.urn) || r.dependencies.some((d) => affected.has(d))) {
      affected.add(r.urn);
      result.push(r);
    }
  }
  return result;
}

/** The server id and pinned host key a node's component recorded as outputs (HostingNode
 *  registerOutputs: `serverId`, `hostPublicKey`, both plain); undefined when it has none. */
export function nodeHostKeyPin(deployment: Deployment, hostname: string): { serverId: string; hostKey: string } | undefined {
  const resources = (deployment.deployment as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) return undefined;
  for (const r of resources as { urn?: unknown; outputs?: Record<string, unknown> }[]) {
    if (typeof r.urn !== "string") continue;
    const where = nodeResourceOf(r.urn);
    if (where?.hostname !== hostname || where.role !== "") continue;
    const { serverId, hostPublicKey } = r.outputs ?? {};
    if (typeof serverId === "string" && typeof hostPublicKey === "string" && /^ssh-ed25519 [A-Za-z0-9+/=]+$/.test(hostPublicKey)) {
      return { serverId, hostKey: hostPublicKey };
    }
  }
  return undefined;
}
