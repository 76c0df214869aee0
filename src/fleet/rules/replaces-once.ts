import { issueAt, type Issue } from "../../source/issues";
import type { RuleContext } from "./context";

/** A node is taken over by at most one node: two successors would both claim its
 *  customers and its platform registration. */
export function replacesOnce({ fleet }: RuleContext): Issue[] {
  const first = new Map<string, string>();
  const issues: Issue[] = [];
  for (const node of fleet.nodes) {
    const target = node.spec?.replaces;
    if (target === undefined || target === node.hostname) continue;
    const earlier = first.get(target);
    if (earlier === undefined) {
      first.set(target, node.hostname);
    } else {
      issues.push(issueAt(node.fieldPos(["replaces"]), "replaces-once",
        `${earlier} and ${node.hostname} both replace "${target}"; a node can be replaced by one node only`));
    }
  }
  return issues;
}
