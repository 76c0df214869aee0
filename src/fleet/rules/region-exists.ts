import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { list, nameOf, type RuleContext } from "./context";

/** The region must be one of the provider's normalized region codes. */
export function regionExists(node: FleetNode, { catalog }: RuleContext): Issue[] {
  const name = nameOf(node);
  if (!name || !catalog.provider(name.provider) || catalog.region(name.provider, name.region)) return [];
  const native = catalog.regions(name.provider).find((r) => r.native === name.region);
  const hint = native ? `; "${name.region}" is the native id, its hostname code is "${native.code}"` : "";
  return [issueAt(node.namePos(name.offsets.region), "region-exists",
    `region "${name.region}" is not a ${name.provider} region${hint}; allowed: ${list(catalog.regions(name.provider).map((r) => r.code))}`)];
}
