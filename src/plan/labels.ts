import type { ParsedName } from "../fleet/naming";

/** Hetzner labels of a node: node-fleet's own keys (so tools can select its servers,
 *  e.g. `hcloud server list -l managed-by=node-fleet,env=prd`), then the fleet file's. */
export function serverLabels(name: ParsedName, panel: string, extra: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ...extra,
    env: name.env,
    type: name.type,
    provider: name.provider,
    region: name.region,
    node: name.hostname,
    panel,
    "managed-by": "node-fleet",
  };
}
