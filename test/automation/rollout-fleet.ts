import type { Deployment } from "@pulumi/pulumi/automation";
import { configDigest } from "../../src/components/playbook-digest";
import type { DesiredFleet } from "../../src/automation/rollout-changes";

/** A deployed fleet of `count` nodes for rollout tests: a server and a provisioning step
 *  each, the step's inputs recording the digest of ansible vars `{ v: 1 }` and playbook
 *  digest "p1", as the provisioning step's NODE_CONFIG_DIGEST does. */
export interface FakeFleet {
  readonly hosts: string[];
  readonly deployment: Deployment;
  /** The fleet file after the change: vars `{ v: 2 }`, playbooks "p2"; `maintenance` hosts marked so. */
  desired(maintenance?: readonly string[]): DesiredFleet;
  /** The digest the program gives each step after the change, by URN (for the stand-in). */
  readonly digests: Record<string, string>;
  provisionUrn(host: string): string;
}

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIx5b3vVv6d2bQz2bQz2bQz2bQz2bQz2bQz2bQz2bQz2";
const NODE = "node-fleet:index:Fleet$node-fleet:index:HostingNode";

export function fakeFleet(count: number): FakeFleet {
  // A location holds nodes 001-999; a larger fleet goes on in the next one.
  const hosts = Array.from({ length: count }, (_, i) => `prd-sha-het-de-${["fsn1", "nbg1"][Math.floor(i / 999)]}-${String((i % 999) + 1).padStart(3, "0")}`);
  const provisionUrn = (host: string) => `urn:pulumi:prd::node-fleet::${NODE}$command:local:Command::${host}-provision`;
  const serverId = (i: number) => String(60_000_000 + i);
  const resources = hosts.flatMap((host, i) => [
    { urn: `urn:pulumi:prd::node-fleet::${NODE}::${host}`, type: "node-fleet:index:HostingNode", custom: false },
    { urn: `urn:pulumi:prd::node-fleet::${NODE}$hcloud:index/server:Server::${host}-server`, type: "hcloud:index/server:Server", custom: true,
      id: serverId(i), inputs: {}, outputs: {} },
    { urn: provisionUrn(host), type: "command:local:Command", custom: true, id: `${host}-provision`,
      inputs: { environment: { NODE_HOSTNAME: host, NODE_HOST_KEY: HOST_KEY, NODE_CONFIG_DIGEST: configDigest(serverId(i), HOST_KEY, 0, { v: 1 }, "p1") } } },
  ]);
  const digests = Object.fromEntries(hosts.map((host, i) => [provisionUrn(host), configDigest(serverId(i), HOST_KEY, 0, { v: 2 }, "p2")]));
  return {
    hosts, digests, provisionUrn,
    deployment: { version: 3, deployment: { manifest: { time: "2026-12-01T10:00:00Z", magic: "", version: "v3.248.0" }, resources } },
    desired: (maintenance = []) => ({
      playbookDigest: "p2",
      nodes: hosts.map((hostname) => ({ hostname, rebuild: 0, ansibleVars: { v: 2 }, maintenance: maintenance.includes(hostname) })),
    }),
  };
}

/** A deployed fleet of these nodes whose steps recorded another digest than `desired`
 *  gives them: every node is re-provisioned by the change. */
export function deployedFleet(desired: DesiredFleet): { deployment: Deployment; digests: Record<string, string>; provisionUrn: (host: string) => string } {
  const provisionUrn = (host: string) => `urn:pulumi:prd::node-fleet::${NODE}$command:local:Command::${host}-provision`;
  const serverId = (i: number) => String(70_000_000 + i);
  const resources = desired.nodes.flatMap((n, i) => [
    { urn: `urn:pulumi:prd::node-fleet::${NODE}$hcloud:index/server:Server::${n.hostname}-server`, type: "hcloud:index/server:Server", custom: true,
      id: serverId(i), inputs: {}, outputs: {} },
    { urn: provisionUrn(n.hostname), type: "command:local:Command", custom: true, id: `${n.hostname}-provision`,
      inputs: { environment: { NODE_HOSTNAME: n.hostname, NODE_HOST_KEY: HOST_KEY, NODE_CONFIG_DIGEST: "recorded before the change" } } },
  ]);
  const digests = Object.fromEntries(desired.nodes.map((n, i) =>
    [provisionUrn(n.hostname), configDigest(serverId(i), HOST_KEY, n.rebuild, n.ansibleVars, desired.playbookDigest)]));
  return { provisionUrn, digests, deployment: { version: 3, deployment: { manifest: { time: "2026-12-01T10:00:00Z", magic: "", version: "v3.248.0" }, resources } } };
}
