/** Hetzner Cloud's own protection of a server. Pulumi's `protect` guards the state only;
 *  a protected node's server also has `deleteProtection` at Hetzner, which the provider
 *  does not lift before deleting (terraform-provider-hcloud internal/server/resource.go
 *  resourceServerDelete calls Server.DeleteWithResult directly), so a replacement of
 *  such a server fails at the API unless the protection is lifted first. */
export const HCLOUD_SERVER_TYPE = "hcloud:index/server:Server";

/** The API the hcloud provider uses; HCLOUD_ENDPOINT overrides it, as for the provider. */
export const HCLOUD_API = "https://api.hetzner.cloud/v1";

export interface HcloudAccess {
  readonly endpoint: string;
  readonly token: string;
}

/** Sets delete and rebuild protection of a server (the API requires both to be equal).
 *  A server that no longer exists needs no protection: 404 is not a failure. */
export async function setServerProtection(access: HcloudAccess, serverId: string, protect: boolean): Promise<"done" | "gone"> {
  if (!/^\d+$/.test(serverId)) throw new Error(`Hetzner server id "${serverId}" is not a number`);
  const response = await fetch(`${access.endpoint.replace(/\/$/, "")}/servers/${serverId}/actions/change_protection`, {
    method: "POST",
    headers: { authorization: `Bearer ${access.token}`, "content-type": "application/json" },
    body: JSON.stringify({ delete: protect, rebuild: protect }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status === 404) return "gone";
  if (!response.ok) {
    const message = (() => {
      try {
        return (JSON.parse(text) as { error?: { message?: string } }).error?.message;
      } catch {
        return undefined;
      }
    })();
    throw new Error(`Hetzner refused to ${protect ? "protect" : "unprotect"} server ${serverId}: HTTP ${response.status}${message ? ` ${message}` : ""}`);
  }
  return "done";
}
