import { environmentOf, SERVER, type PolicyRule } from "./types";

/** A production server answers on addresses of its own (Hetzner Primary IPs given in its
 *  publicNets): without them Hetzner gives every new server new addresses, so a rebuild
 *  or a recovery would renumber the node under its customers' domains. A value the
 *  offline plan only knows after deploying (a Primary IP created in the same run) counts;
 *  the policy pack sees it unknown in a preview and checks it when deploying. */
export const prdServerPrimaryIps: PolicyRule = {
  name: "prd-server-primary-ips",
  description: "prd servers have an IPv4 and an IPv6 Primary IP of their own",
  check(resource) {
    if (resource.type !== SERVER || environmentOf(resource) !== "prd") return [];
    const nets = Array.isArray(resource.inputs.publicNets) ? (resource.inputs.publicNets as Record<string, unknown>[]) : [];
    const given = (family: "ipv4" | "ipv6") => nets.some((net) => (typeof net[family] === "number" && net[family] !== 0) || typeof net[family] === "string");
    const missing = (["ipv4", "ipv6"] as const).filter((family) => !given(family));
    return missing.length > 0
      ? [`prd server ${resource.name} has no Primary IP of its own for ${missing.join(", ")} in publicNets; a rebuild would change its addresses`]
      : [];
  },
};
