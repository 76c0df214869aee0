import type { EngineEvent } from "@pulumi/pulumi/automation";
import { HCLOUD_SERVER_TYPE, type HcloudAccess } from "./provider-protection";
import type { StateResource } from "./state";

/** Engine operations that delete the recorded resource (pulumi sdk/go/common/apitype
 *  OpType): a replacement deletes the old server, before (delete-replaced) or after. */
const DELETING_OPS = new Set(["replace", "delete", "delete-replaced", "create-replacement", "discard", "discard-replaced"]);

/** The recorded servers a preview's steps would delete (rebuild or removal). */
export function serversTheChangeDeletes(events: readonly EngineEvent[], resources: readonly StateResource[]): StateResource[] {
  const urns = new Set(events.flatMap((e) => {
    const meta = e.resourcePreEvent?.metadata;
    return meta && meta.type === HCLOUD_SERVER_TYPE && DELETING_OPS.has(meta.op) ? [meta.urn] : [];
  }));
  return resources.filter((r) => r.type === HCLOUD_SERVER_TYPE && urns.has(r.urn) && r.id !== undefined);
}

/** Whether Hetzner protects a server from deletion now (`GET /servers/{id}`,
 *  `protection.delete`); a server that is gone protects nothing. */
export async function hetznerDeleteProtected(access: HcloudAccess, serverId: string): Promise<boolean> {
  const response = await fetch(`${access.endpoint.replace(/\/$/, "")}/servers/${serverId}`, {
    headers: { authorization: `Bearer ${access.token}` }, signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`Hetzner did not answer for server ${serverId}: HTTP ${response.status}`);
  const body = (await response.json()) as { server?: { protection?: { delete?: boolean } } };
  return body.server?.protection?.delete === true;
}
