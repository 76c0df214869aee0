import type { Catalog } from "../../catalog/catalog";
import type { Issue } from "../../source/issues";
import type { FleetNode, LoadedFleet } from "../load";
import type { ParsedName } from "../naming";

/** What every rule may look at. */
export interface RuleContext {
  readonly catalog: Catalog;
  readonly fleet: LoadedFleet;
}

/** A check of one node. Returns issues; never throws, never prints. */
export type NodeRule = (node: FleetNode, ctx: RuleContext) => Issue[];

/** A check across the whole fleet file. */
export type FleetRule = (ctx: RuleContext) => Issue[];

/** The node's parsed hostname, when it parses (the hostname-format rule reports when not). */
export function nameOf(node: FleetNode): ParsedName | undefined {
  return "name" in node.parsed ? node.parsed.name : undefined;
}

const byHostname = new WeakMap<LoadedFleet, ReadonlyMap<string, FleetNode>>();

/** The fleet's node with this hostname (the last one, as YAML keeps the last of duplicate
 *  keys). Indexed once per fleet: rules that look up another node for each node would
 *  otherwise be quadratic on a 10,000-node fleet. */
export function nodeNamed(fleet: LoadedFleet, hostname: string): FleetNode | undefined {
  let index = byHostname.get(fleet);
  if (!index) {
    index = new Map(fleet.nodes.map((n) => [n.hostname, n]));
    byHostname.set(fleet, index);
  }
  return index.get(hostname);
}

/** `a, b, c` */
export function list(values: readonly string[]): string {
  return values.join(", ");
}
