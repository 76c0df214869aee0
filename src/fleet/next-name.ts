import type { Catalog } from "../catalog/catalog";
import type { Region } from "../catalog/schema";
import { NODE_TYPES } from "../catalog/node-types";
import { ENVIRONMENTS, formatHostname, parseHostname } from "./naming";

/** What to name: a region may be given by its hostname code or the provider's own id. */
export interface NameRequest {
  readonly env: string;
  readonly type: string;
  readonly provider: string;
  readonly region: string;
}

/** The next hostname, or why the request cannot be named: a request the catalog does
 *  not know, or (`full`) a region whose numbers are used up. */
export type NameResult = { hostname: string; region: Region; number: number } | { error: string; full?: true };

/** Next free hostname for env/type/provider/region: one past the highest number in use
 *  there. Gaps are not refilled (seed 000 takes the last number + 1): a removed node's
 *  name may still live in the platform, DNS caches, backups and monitoring, and reusing
 *  it would mix two servers' histories. Numbering is independent per region. */
export function nextHostname(existing: Iterable<string>, request: NameRequest, catalog: Catalog): NameResult {
  const { env, type, provider } = request;
  if (!ENVIRONMENTS.some((e) => e.code === env)) {
    return { error: `environment "${env}" is not known; allowed: ${ENVIRONMENTS.map((e) => e.code).join(", ")}` };
  }
  if (!NODE_TYPES.some((t) => t.code === type)) {
    return { error: `node type "${type}" is not known; allowed: ${NODE_TYPES.map((t) => t.code).join(", ")}` };
  }
  if (!catalog.provider(provider)) {
    return { error: `provider "${provider}" is not known; allowed: ${catalog.providers().map((p) => p.code).join(", ")}` };
  }
  const region = catalog.findRegion(provider, request.region);
  if (!region) {
    const known = catalog.regions(provider).map((r) => (r.native === r.code ? r.code : `${r.code} (${r.native})`));
    return { error: `region "${request.region}" is not a ${provider} region; allowed: ${known.join(", ") || "none in the catalog"}` };
  }
  let highest = 0;
  for (const hostname of existing) {
    const parsed = parseHostname(hostname);
    if ("name" in parsed && parsed.name.env === env && parsed.name.type === type &&
        parsed.name.provider === provider && parsed.name.region === region.code) {
      highest = Math.max(highest, parsed.name.number);
    }
  }
  if (highest >= 999) {
    return { error: `no number left for ${env}-${type}-${provider}-${region.country}-${region.code}: 999 is in use`, full: true };
  }
  const number = highest + 1;
  return { hostname: formatHostname({ env, type, provider, country: region.country, region: region.code, number }), region, number };
}
