import type { Catalog } from "../catalog/catalog";
import type { FleetNode, LoadedFleet } from "../fleet/load";
import { fqdn as fqdnOf } from "../fleet/naming";
import { stackProtects, type StackSettings } from "../stack/settings";
import { addressesMonthlyCostEur, nodeAddresses, type AddressPlan } from "./addresses";
import { correlationId } from "./correlation";
import { sumEur } from "./cost";
import { dnsRecords, type DnsRecordPlan } from "./dns";
import { firewallRules, type FirewallRule } from "./firewall";
import { offsiteBackupVars } from "./offsite-backups";
import { serverLabels } from "./labels";
import { panelPlanner, type AnsibleValue } from "./panels";

/** Everything decided about one node, with nothing left optional but what truly is,
 *  no Pulumi types and no I/O. Components map it to resources; `fleet plan` and
 *  reviewers read it. */
export interface NodePlan {
  readonly hostname: string;
  readonly fqdn: string;
  readonly environment: string;
  readonly type: string;
  readonly provider: string;
  readonly country: string;
  /** Normalized region code (`ash1`). */
  readonly region: string;
  /** The provider's location id (`ash`). */
  readonly location: string;
  readonly city: string;
  readonly serverType: string;
  readonly image: string;
  readonly displayName: string;
  readonly status: "active" | "maintenance";
  readonly replaces?: string;
  /** Rebuild generation: a change replaces the server. */
  readonly rebuild: number;
  readonly protect: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly firewallRules: readonly FirewallRule[];
  readonly dnsRecords: readonly DnsRecordPlan[];
  /** The IPv4 and IPv6 the node keeps across rebuilds (Primary IPs of its own). */
  readonly addresses: readonly AddressPlan[];
  readonly backups: { readonly enabled: boolean; readonly retentionDays: number; readonly schedule: string };
  readonly panel: {
    readonly id: string; readonly name: string; readonly version: string; readonly webminVersion: string;
    readonly apiUrl: string; readonly apiUser: string;
  };
  readonly capacity: { readonly maxDomains: number; readonly bandwidthGb: number };
  /** The server and its addresses. */
  readonly monthlyCostEur: number;
  readonly hourlyCostEur: number;
  /** Stable per node and rebuild generation (seed 002). */
  readonly correlationId: string;
  /** Non-secret variables for the site playbook. */
  readonly ansibleVars: Readonly<Record<string, AnsibleValue>>;
}

/** Where the playbook keeps local backups. */
export const BACKUP_DIR = "/var/backups/virtualmin";

/** Plans for the nodes of the stack's environment, in hostname order. The fleet must
 *  have passed validation: a node that still lacks something is a bug, not input. */
export function planFleet(fleet: LoadedFleet, catalog: Catalog, settings: StackSettings): NodePlan[] {
  return fleet.nodes
    .filter((node) => node.hostname.startsWith(`${settings.environment}-`))
    .map((node) => planNode(node, catalog, settings))
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** Resolves one validated node against the catalog and the stack settings. */
export function planNode(node: FleetNode, catalog: Catalog, settings: StackSettings): NodePlan {
  const name = "name" in node.parsed ? node.parsed.name : undefined;
  const spec = node.spec;
  const region = name && catalog.region(name.provider, name.region);
  const size = name && spec?.size !== undefined ? catalog.size(name.provider, spec.size) : undefined;
  const panel = spec && catalog.panel(spec.panel);
  if (!name || !spec || !region || !size || !panel) {
    throw new Error(`${node.hostname}: cannot plan a node that did not pass validation; run \`fleet validate\``);
  }
  const planner = panelPlanner(panel.id);
  const fqdn = fqdnOf(node.hostname, settings.dnsZone);
  const backups = { ...settings.backups, ...spec.backups };
  const protect = spec.protect ?? stackProtects(settings);
  const addresses = nodeAddresses(node.hostname, name.provider, region.native, protect, catalog);
  const serverPrice = size.locationPrices?.[region.code] ?? size;
  return {
    hostname: node.hostname,
    fqdn,
    environment: name.env,
    type: name.type,
    provider: name.provider,
    country: name.country,
    region: region.code,
    location: region.native,
    city: region.city,
    serverType: size.name,
    image: spec.image,
    displayName: spec.displayName ?? node.hostname,
    status: spec.status,
    ...(spec.replaces !== undefined ? { replaces: spec.replaces } : {}),
    rebuild: spec.rebuild,
    protect,
    labels: serverLabels(name, panel.id, spec.labels),
    firewallRules: firewallRules(settings),
    dnsRecords: dnsRecords(fqdn),
    addresses,
    backups,
    panel: {
      id: panel.id, name: panel.name, version: panel.version ?? "", webminVersion: panel.webminVersion ?? "",
      apiUrl: planner.apiUrl(fqdn, panel), apiUser: planner.apiUser,
    },
    capacity: size.capacity,
    monthlyCostEur: sumEur([serverPrice.monthlyEur, addressesMonthlyCostEur(addresses)]),
    // Hourly prices have four decimals: summed in ten-thousandths so no float error shows.
    hourlyCostEur: Math.round((serverPrice.hourlyEur + addresses.reduce((sum, a) => sum + a.hourlyCostEur, 0)) * 10_000) / 10_000,
    correlationId: correlationId(node.hostname, spec.rebuild),
    ansibleVars: {
      node_hostname: node.hostname,
      node_fqdn: fqdn,
      node_environment: name.env,
      node_master_ssh_public_key: settings.masterSshPublicKey ?? "",
      security_ssh_allowed_sources: settings.sshSourceCidrs,
      ...planner.ansibleVars(panel),
      virtualmin_api_user: planner.apiUser,
      virtualmin_api_allowed_sources: settings.platformSourceCidrs,
      backup_enabled: backups.enabled,
      backup_retention_days: backups.retentionDays,
      backup_schedule: backups.schedule,
      backup_dir: BACKUP_DIR,
      ...offsiteBackupVars(settings, node.hostname, backups.enabled),
    },
  };
}
