import { parseHostname } from "../fleet/naming";
import type { ShardLayout } from "../stack/shards";

/** The shard a hostname belongs to under a layout: decided from the name alone (its
 *  environment, region and number), so a node never changes shard unless its name or
 *  the layout does. Undefined for a name that does not parse (validation reports it). */
export function shardOf(hostname: string, layout: ShardLayout): string | undefined {
  const parsed = parseHostname(hostname);
  if (!("name" in parsed)) return undefined;
  const { env, region, number } = parsed.name;
  const index = layout.numbers.findIndex((r) => number >= r.from && number <= r.to);
  if (index < 0) return undefined;
  return `${env}${layout.byRegion ? `-${region}` : ""}-${String.fromCharCode(97 + index)}`;
}

/** The stack that deploys a node: its shard once that shard is active, otherwise the
 *  environment's own stack (where every node lives before the environment is split). */
export function stackOf(hostname: string, environment: string, layout: ShardLayout | undefined): string {
  if (!layout) return environment;
  const shard = shardOf(hostname, layout);
  return shard !== undefined && layout.active.includes(shard) ? shard : environment;
}

/** Every shard a layout defines for the given regions, in name order. */
export function shardNames(environment: string, layout: ShardLayout, regions: readonly string[]): string[] {
  const letters = layout.numbers.map((_, i) => String.fromCharCode(97 + i));
  const prefixes = layout.byRegion ? [...new Set(regions)].sort().map((r) => `${environment}-${r}`) : [environment];
  return prefixes.flatMap((p) => letters.map((l) => `${p}-${l}`));
}
