import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { nameOf, nodeNamed, type RuleContext } from "./context";

/** `replaces` names another node of the same fleet and environment: a failover target
 *  in another environment would move production customers onto a staging node. */
export function replacesSameEnvironment(node: FleetNode, { fleet }: RuleContext): Issue[] {
  const target = node.spec?.replaces;
  if (target === undefined) return [];
  const pos = node.fieldPos(["replaces"]);
  if (target === node.hostname) {
    return [issueAt(pos, "replaces-same-environment", `${node.hostname} cannot replace itself`)];
  }
  const other = nodeNamed(fleet, target);
  if (!other) {
    return [issueAt(pos, "replaces-same-environment", `replaces "${target}", which is not a node in this fleet`)];
  }
  const mine = nameOf(node)?.env;
  const theirs = nameOf(other)?.env;
  if (mine && theirs && mine !== theirs) {
    return [issueAt(pos, "replaces-same-environment",
      `replaces "${target}" from environment ${theirs}; a node may only replace one of its own environment (${mine})`)];
  }
  return [];
}
