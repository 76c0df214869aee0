import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { nameOf, type RuleContext } from "./context";

/** The 2-letter country in a hostname must be the catalog country of its region. */
export function countryMatchesRegion(node: FleetNode, { catalog }: RuleContext): Issue[] {
  const name = nameOf(node);
  const region = name && catalog.region(name.provider, name.region);
  if (!name || !region || region.country === name.country) return [];
  return [issueAt(node.namePos(name.offsets.country), "country-matches-region",
    `country "${name.country}" does not match region ${name.region} (${region.city}); expected "${region.country}"`)];
}
