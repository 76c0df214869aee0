import { HCLOUD_SERVER_TYPE, type HcloudAccess } from "./provider-protection";
import type { StateResource } from "./state";
import { nodeResourceOf } from "./urn";

/** A node's address (src/components/providers/hetzner.ts primaryIp): protected at
 *  Hetzner (`deleteProtection`) when the node is. */
export const HCLOUD_PRIMARY_IP_TYPE = "hcloud:index/primaryIp:PrimaryIp";

type Protection = "delete" | "rebuild";

/** A resource the program protects at Hetzner whose protection is off there now: a
 *  killed `fleet rebuild`, or `hcloud … disable-protection` typed and never undone. The
 *  state cannot show it (it records what the last update set), nor can a plain `up`
 *  (the engine diffs the program against the state). */
export interface ProtectionGap {
  readonly urn: string;
  /** The node it belongs to; absent for fleet-wide resources. */
  readonly hostname?: string;
  readonly resource: "server" | "primary IP";
  /** Hetzner's id. */
  readonly id: string;
  /** What the program sets and Hetzner does not have now. */
  readonly off: readonly Protection[];
  /** The command that gives it back. */
  readonly fix: string;
}

/** What Hetzner protects now, by id. */
export interface LiveProtection {
  readonly servers: ReadonlyMap<string, { readonly delete: boolean; readonly rebuild: boolean }>;
  readonly primaryIps: ReadonlyMap<string, { readonly delete: boolean }>;
}

/** The resources of the state that the program protects at Hetzner (the state records
 *  `deleteProtection` as the last update set it; a server gets delete and rebuild
 *  protection together from the node's `protect`) and whose protection Hetzner does not
 *  have. A resource Hetzner no longer has is missing, not unprotected: `fleet drift`
 *  reports that as a deletion. Pure. */
export function protectionGaps(resources: readonly StateResource[], live: LiveProtection): ProtectionGap[] {
  return resources.flatMap((r): ProtectionGap[] => {
    if (!r.providerProtected || r.id === undefined) return [];
    const node = nodeResourceOf(r.urn)?.hostname;
    const where = node ? { hostname: node } : {};
    if (r.type === HCLOUD_SERVER_TYPE) {
      const now = live.servers.get(r.id);
      const off = now ? (["delete", "rebuild"] as const).filter((p) => !now[p]) : [];
      return off.length === 0 ? [] : [{ urn: r.urn, ...where, resource: "server", id: r.id, off,
        fix: `hcloud server enable-protection ${r.id} delete rebuild` }];
    }
    if (r.type === HCLOUD_PRIMARY_IP_TYPE) {
      const now = live.primaryIps.get(r.id);
      return !now || now.delete ? [] : [{ urn: r.urn, ...where, resource: "primary IP", id: r.id, off: ["delete"],
        fix: `hcloud primary-ip enable-protection ${r.id} delete` }];
    }
    return [];
  });
}

/** Whether the state records anything protected at Hetzner (else nothing is asked). */
export function recordsHetznerProtection(resources: readonly StateResource[]): boolean {
  return resources.some((r) => r.providerProtected && (r.type === HCLOUD_SERVER_TYPE || r.type === HCLOUD_PRIMARY_IP_TYPE));
}

/** Every server's and Primary IP's protection, read with the list endpoints page by page
 *  as hcloud-go does (hcloud/server.go ServerClient.AllWithOpts and hcloud/primary_ip.go
 *  PrimaryIPClient.AllWithOpts: 50 a page, through hcloud/client_helper.go iterPages,
 *  which follows `meta.pagination.next_page`): two requests for a small fleet, and a
 *  thousand nodes cost 60, not one per resource. */
export async function readHetznerProtection(access: HcloudAccess): Promise<LiveProtection> {
  const servers = await listAll<{ id: number; protection: { delete: boolean; rebuild: boolean } }>(access, "servers", "servers");
  const primaryIps = await listAll<{ id: number; protection: { delete: boolean } }>(access, "primary_ips", "primary_ips");
  return {
    servers: new Map(servers.map((s) => [String(s.id), s.protection])),
    primaryIps: new Map(primaryIps.map((p) => [String(p.id), p.protection])),
  };
}

/** Pages a list stops after: 100 pages of 50 is more than a project holds. */
const MAX_PAGES = 100;

async function listAll<T>(access: HcloudAccess, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1, n = 0; page && n < MAX_PAGES; n++) {
    const response = await fetch(`${access.endpoint.replace(/\/$/, "")}/${path}?page=${page}&per_page=50`, {
      headers: { authorization: `Bearer ${access.token}` }, signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`Hetzner did not list ${path.replace("_", " ")}: HTTP ${response.status}`);
    const body = (await response.json()) as Record<string, unknown> & { meta?: { pagination?: { next_page?: number | null } } };
    items.push(...((body[key] as T[] | undefined) ?? []));
    page = body.meta?.pagination?.next_page ?? 0;
  }
  return items;
}
