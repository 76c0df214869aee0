import * as hcloud from "@pulumi/hcloud";
import type * as pulumi from "@pulumi/pulumi";
import { ipv6HostAddress, type AddressPlan } from "../../plan/addresses";
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

/** A Primary IP never moves: its location (ForceNew, internal/primaryip/resource.go
 *  RequiresReplace) follows the node's hostname, and a catalog edit of a region's
 *  provider id must not replace (renumber) an address customers point at. */
export const PRIMARY_IP_IGNORED_CHANGES = ["location"] as const;

/** Hetzner Cloud: SSH key, firewall, the node's own IPv4 and IPv6 (Primary IPs), server
 *  and reverse DNS for both addresses. The
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
    // The addresses outlive the server: auto_delete off, so Hetzner keeps them when the
    // server is deleted (a rebuild, a recovery), and the replacement is created with them.
    const [ipv4, ipv6] = (["ipv4", "ipv6"] as const).map((family) => primaryIp(name, plan.addresses.find((a) => a.family === family)!, labels, child)) as [hcloud.PrimaryIp, hcloud.PrimaryIp];
    const ipv6Address = ipv6.ipAddress.apply(ipv6HostAddress);
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
      // Created with the node's own addresses. deleteBeforeReplace (above) is what makes a
      // rebuild possible: Hetzner assigns a Primary IP to one server at a time, and only
      // deleting the old server frees them for the new one (docs/addresses.md).
      publicNets: [{ ipv4Enabled: true, ipv6Enabled: true, ipv4: ipv4.id.apply(Number), ipv6: ipv6.id.apply(Number) }],
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
    // Reverse DNS belongs to the address, not to the server: a rebuild leaves it alone.
    // It waits for the server so that the address is assigned when provisioning starts.
    const rdns4 = new hcloud.Rdns(`${name}-rdns-v4`, { primaryIpId: ipv4.id.apply(Number), ipAddress: ipv4.ipAddress, dnsPtr: plan.fqdn }, { parent, dependsOn: [server] });
    const rdns6 = new hcloud.Rdns(`${name}-rdns-v6`, { primaryIpId: ipv6.id.apply(Number), ipAddress: ipv6Address, dnsPtr: plan.fqdn }, { parent, dependsOn: [server] });
    return {
      id: server.id, ipv4: ipv4.ipAddress, ipv6: ipv6Address, serverType: server.serverType, ready: [rdns4, rdns6],
      resources: [sshKey, firewall, ipv4, ipv6, server, rdns4, rdns6],
    };
  },
};

/** One of the node's own addresses. */
function primaryIp(name: string, address: AddressPlan, labels: Record<string, string>, opts: pulumi.CustomResourceOptions): hcloud.PrimaryIp {
  return new hcloud.PrimaryIp(`${name}-${address.family}`, {
    name: address.name,
    type: address.family,
    // `location`, never `assigneeId` (the provider takes exactly one of them): the server
    // assigns the address through its publicNets.
    location: address.location,
    autoDelete: address.autoDelete,
    deleteProtection: address.deleteProtection,
    labels,
  }, { ...opts, ignoreChanges: [...PRIMARY_IP_IGNORED_CHANGES] });
}
