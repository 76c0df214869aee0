import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { NODE_TYPES } from "../../catalog/node-types";
import { list, nameOf, type RuleContext } from "./context";

/** The panel must exist, be implemented, serve the node's type and support its image. */
export function panelSupportsNode(node: FleetNode, { catalog }: RuleContext): Issue[] {
  if (!node.spec) return [];
  const { panel: panelId, image } = node.spec;
  const panel = catalog.panel(panelId);
  const implemented = catalog.panels().filter((p) => p.status === "implemented").map((p) => p.id);
  if (!panel) {
    return [issueAt(node.fieldPos(["panel"]), "panel-supports-node",
      `panel "${panelId}" is not known; allowed: ${list(implemented)}`)];
  }
  if (panel.status !== "implemented") {
    return [issueAt(node.fieldPos(["panel"]), "panel-supports-node",
      `panel "${panelId}" (${panel.name}) is planned, not implemented yet; allowed: ${list(implemented)}`)];
  }
  const issues: Issue[] = [];
  const name = nameOf(node);
  // A type node-fleet does not build is the type rule's to report, not the panel's.
  const typeBuilt = name && NODE_TYPES.some((t) => t.code === name.type && t.implemented);
  if (name && typeBuilt && !panel.serves.includes(name.type)) {
    issues.push(issueAt(node.fieldPos(["panel"]), "panel-supports-node",
      `panel "${panelId}" does not serve node type "${name.type}"; it serves: ${list(panel.serves)}`));
  }
  if (!panel.images.includes(image)) {
    issues.push(issueAt(node.fieldPos(["image"]), "panel-supports-node",
      `image "${image}" is not supported by ${panel.name}; allowed: ${list(panel.images)}`));
  }
  return issues;
}
