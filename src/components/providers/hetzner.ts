import * as hcloud from "@pulumi/hcloud";
import type * as pulumi from "@pulumi/pulumi";
import type { FirewallRule } from "../../plan/firewall";
import type { CloudProvider, DeclaredServer, ServerInputs } from "./types";

/** A plan rule in the shape of hcloud's FirewallRule input. */
export function toHcloudRule(rule: FirewallRule): hcloud.types.input.FirewallRule {
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ...(rule.port !== undefined ? { port: rule.port } : {}),
    sourceIps: [...rule.sourceIps],
    description: rule.description,
  };
}

/** Server inputs that never replace a running server (terraform-provider-hcloud
 *  internal/server/resource.go makes both ForceNew). cloud-init runs only at first boot
 *  and carries nothing but the node's identity, so a rebuild may reuse the recorded text.
 *  The location is fixed by the hostname's region; ignoring it means a catalog edit of a
 *  region's provider id can never move (replace) an existing server. */
export const SERVER_IGNORED_CHANGES = ["userData", "location"] as const;

/** Hetzner Cloud: SSH key, firewall, server and reverse DNS for IPv4 and IPv6. The
 *  fleet's master key is not uploaded here: provisioning authorizes it, so stacks that
 *  share a Hetzner project never upload the same key twice (Hetzner refuses that). */
export const hetzner: CloudProvider = {
  declareServer(name: string, { plan, adminPublicKey, userData, createTimeoutSeconds, after }: ServerInputs, parent: pulumi.Resource): DeclaredServer {
    // Hetzner names are unique per project: a replacement must free the name first.
    const child = { parent, deleteBeforeReplace: true };
    const labels = { ...plan.labels };
    const sshKey = new hcloud.SshKey(`${name}-ssh-key`, {
      name: plan.hostname, publicKey: adminPublicKey.apply((k) => k.trim()), labels,
    }, child);
    const firewall = new hcloud.Firewall(`${name}-fw`, {
      name: plan.hostname, rules: plan.firewallRules.map(toHcloudRule), labels,
    }, child);
    const server = new hcloud.Server(`${name}-server`, {
      name: plan.hostname,
      serverType: plan.serverType,
      image: plan.image,
      location: plan.location,
      // Only the node's own key, whose id never changes: a replacement then always finds
      // it (ignoreChanges would hand a replacement the ids recorded at creation).
      sshKeys: [sshKey.id],
      firewallIds: [firewall.id.apply(Number)],
      userData,
      labels,
      publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }],
      deleteProtection: plan.protect,
      rebuildProtection: plan.protect,
      // Resizing keeps the disk size, so a node can later be resized back down.
      keepDisk: true,
      // Provider backups would double-bill what the panel already backs up locally.
      backups: false,
      shutdownBeforeDeletion: true,
    }, {
      ...child,
      ignoreChanges: [...SERVER_IGNORED_CHANGES],
      // The rebuild counter is the one deliberate way to replace a server.
      replacementTrigger: plan.rebuild,
      customTimeouts: { create: `${createTimeoutSeconds}s` },
      dependsOn: [...after],
    });
    const serverId = server.id.apply(Number);
    const rdns4 = new hcloud.Rdns(`${name}-rdns-v4`, { serverId, ipAddress: server.ipv4Address, dnsPtr: plan.fqdn }, { parent });
    const rdns6 = new hcloud.Rdns(`${name}-rdns-v6`, { serverId, ipAddress: server.ipv6Address, dnsPtr: plan.fqdn }, { parent });
    return {
      id: server.id, ipv4: server.ipv4Address, ipv6: server.ipv6Address, serverType: server.serverType, ready: [rdns4, rdns6],
      resources: [sshKey, firewall, server, rdns4, rdns6],
    };
  },
};
