import type { Catalog } from "../catalog/catalog";
import type { LoadedFleet } from "../fleet/load";
import type { StackSettings } from "../stack/settings";
import { planNode, type NodePlan } from "./node-plan";

/** What happens to an existing node's server between two plans of it. */
export type ServerChange =
  | { readonly hostname: string; readonly kind: "rebuild"; readonly reasons: readonly string[] }
  | { readonly hostname: string; readonly kind: "resize"; readonly from: string; readonly to: string };

/** The server changes a fleet edit causes, for nodes in both plans. A new image replaces
 *  the server (terraform-provider-hcloud: image is ForceNew) and so does a new rebuild
 *  generation: both erase the disk. A new size resizes in place. The location never
 *  changes for a node: it is part of the hostname, and the server ignores later catalog
 *  edits of it. */
export function serverChanges(before: readonly NodePlan[], after: readonly NodePlan[]): ServerChange[] {
  const old = new Map(before.map((p) => [p.hostname, p]));
  const changes: ServerChange[] = [];
  for (const next of after) {
    const prev = old.get(next.hostname);
    if (!prev) continue;
    const reasons = [
      ...(prev.image !== next.image ? [`image ${prev.image} → ${next.image}`] : []),
      ...(prev.rebuild !== next.rebuild ? [`rebuild ${prev.rebuild} → ${next.rebuild}`] : []),
    ];
    if (reasons.length > 0) changes.push({ hostname: next.hostname, kind: "rebuild", reasons });
    else if (prev.serverType !== next.serverType) changes.push({ hostname: next.hostname, kind: "resize", from: prev.serverType, to: next.serverType });
  }
  return changes;
}

/** One line a reviewer reads, saying plainly what is lost. */
export function describeServerChange(change: ServerChange): string {
  return change.kind === "rebuild"
    ? `${change.hostname}: REBUILD (${change.reasons.join(", ")}): the server is replaced and its disk is erased`
    : `${change.hostname}: resize ${change.from} → ${change.to} in place (a clean shutdown, then a power-on)`;
}

/** Plans of the nodes of a fleet as it was (e.g. the base of a pull request), for
 *  comparison: rules that came later must not hide what is deployed, so only nodes that
 *  cannot be planned at all are left out. */
export function plansAsDeployed(fleet: LoadedFleet, catalog: Catalog, settings: StackSettings): NodePlan[] {
  return fleet.nodes.filter((node) => node.hostname.startsWith(`${settings.environment}-`)).flatMap((node) => {
    try {
      return [planNode(node, catalog, settings)];
    } catch {
      return [];
    }
  });
}
