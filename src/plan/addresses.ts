import type { Catalog } from "../catalog/catalog";
import { sumEur } from "./cost";

/** The address families every node has, each a Primary IP of its own. */
export const ADDRESS_FAMILIES = ["ipv4", "ipv6"] as const;
export type AddressFamily = (typeof ADDRESS_FAMILIES)[number];

/** One address a node keeps across rebuilds. Hetzner deletes a server's automatic
 *  addresses with it (auto_delete); an address created on its own, in the node's
 *  location, outlives any server it is assigned to, so a replacement server, a
 *  `fleet rebuild` or a recovery gets it back, and with it the node's DNS records and
 *  reverse DNS, which customers' domains point at. */
export interface AddressPlan {
  readonly family: AddressFamily;
  /** The Primary IP's name, unique in the Hetzner project: `<hostname>-ipv4`. */
  readonly name: string;
  /** The provider's location id: a Primary IP can only be assigned to a server there. */
  readonly location: string;
  /** Never deleted together with a server. */
  readonly autoDelete: false;
  /** Hetzner's delete protection, on when the node is protected. */
  readonly deleteProtection: boolean;
  readonly monthlyCostEur: number;
  readonly hourlyCostEur: number;
}

/** The node's IPv4 and IPv6 addresses, priced from the catalog (Hetzner bills a Primary
 *  IPv4 apart from the server; an IPv6 network is free). */
export function nodeAddresses(hostname: string, provider: string, location: string, protect: boolean, catalog: Catalog): AddressPlan[] {
  return ADDRESS_FAMILIES.map((family) => {
    const price = catalog.primaryIpPrice(provider, family);
    if (!price) throw new Error(`${hostname}: the catalog has no primaryIps price for ${provider} ${family}; add it to catalog/sizes.yaml`);
    return {
      family, name: `${hostname}-${family}`, location, autoDelete: false, deleteProtection: protect,
      monthlyCostEur: price.monthlyEur, hourlyCostEur: price.hourlyEur,
    };
  });
}

/** What a node's addresses cost a month, in euros. */
export function addressesMonthlyCostEur(addresses: readonly AddressPlan[]): number {
  return sumEur(addresses.map((a) => a.monthlyCostEur));
}

/** The address a server answers on within its IPv6 Primary IP, which is a /64 network:
 *  the network's first host, `<network>1` — terraform-provider-hcloud v1.68.0
 *  internal/server/resource.go getServerAttributes (`ipv6_address` =
 *  `PublicNet.IPv6.IP.String() + "1"`), so the AAAA record and the PTR name the same
 *  address the server reports. */
export function ipv6HostAddress(network: string): string {
  return `${network.replace(/\/\d+$/, "")}1`;
}
