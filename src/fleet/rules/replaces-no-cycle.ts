import { issueAt, type Issue } from "../../source/issues";
import { nodeNamed, type RuleContext } from "./context";

/** Following `replaces` from any node must end at a node that replaces nothing: in a
 *  cycle every node waits for another to take over first, so none can ever be retired.
 *  A node replacing itself is reported by replaces-same-environment. */
export function replacesNoCycle({ fleet }: RuleContext): Issue[] {
  const reported = new Set<string>();
  const issues: Issue[] = [];
  for (const start of fleet.nodes) {
    const chain = [start.hostname];
    let next = start.spec?.replaces;
    while (next !== undefined && next !== chain[chain.length - 1] && nodeNamed(fleet, next) && !chain.includes(next)) {
      chain.push(next);
      next = nodeNamed(fleet, next)?.spec?.replaces;
    }
    if (next !== start.hostname || chain.length < 2 || chain.some((h) => reported.has(h))) continue;
    chain.forEach((h) => reported.add(h));
    issues.push(issueAt(start.fieldPos(["replaces"]), "replaces-no-cycle",
      `replaces forms a cycle: ${[...chain, start.hostname].join(" → ")}; ` +
      "a chain of replacements must end at a node that replaces none"));
  }
  return issues;
}
