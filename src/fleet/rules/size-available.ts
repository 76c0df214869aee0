import { issueAt, type Issue } from "../../source/issues";
import { didYouMean } from "../../source/suggest";
import type { FleetNode } from "../load";
import { list, nameOf, type RuleContext } from "./context";

/** A node needs a size the provider has and sells in the node's region. A deprecated
 *  size is only a warning: nodes already running on it must keep validating. */
export function sizeAvailable(node: FleetNode, { catalog }: RuleContext): Issue[] {
  const name = nameOf(node);
  const region = name && catalog.region(name.provider, name.region);
  if (!name || !node.spec || !region || !catalog.provider(name.provider)?.provisions) return [];
  // Only a problem lists the sizes and points at the field: on 10,000 valid nodes both cost.
  const orderable = () => catalog.orderableSizes(name.provider, region.code).map((s) => s.name);
  const sizeName = node.spec.size;
  if (sizeName === undefined) {
    return [issueAt(node.keyPos, "size-available",
      `${node.hostname} has no size; set size on the node or in defaults; allowed in ${region.code}: ${list(orderable())}`)];
  }
  const pos = () => node.fieldPos(["size"]);
  const size = catalog.size(name.provider, sizeName);
  const providerName = catalog.provider(name.provider)?.name ?? name.provider;
  if (!size) {
    const all = catalog.sizes(name.provider).map((s) => s.name);
    return [issueAt(pos(), "size-available",
      `size "${sizeName}" is not a ${providerName} size${didYouMean(sizeName, all)}; allowed in ${region.code}: ${list(orderable())}`)];
  }
  if (!size.locations.includes(region.code)) {
    return [issueAt(pos(), "size-available",
      `size "${sizeName}" is not sold in ${region.code} (${region.city}); allowed there: ${list(orderable())}`)];
  }
  if (size.deprecated) {
    const successor = size.replacedBy ? `; its successor is ${size.replacedBy}` : "";
    return [issueAt(pos(), "size-deprecated",
      `size "${sizeName}" is deprecated by ${providerName} and can no longer be ordered; ` +
      `existing servers keep it, but a rebuild or a new node needs another size${successor}`, "warning")];
  }
  return [];
}
