import { issueAt, type Issue, type SourcePos } from "../../source/issues";
import type { RuleContext } from "./context";

/** A hostname may appear once under `nodes:`; YAML would silently keep the last. */
export function uniqueHostnames({ fleet }: RuleContext): Issue[] {
  const first = new Map<string, SourcePos>();
  const issues: Issue[] = [];
  for (const { key, pos } of fleet.keys) {
    const earlier = first.get(key);
    if (earlier) {
      issues.push(issueAt(pos, "unique-hostnames",
        `duplicate hostname "${key}" on lines ${earlier.line} and ${pos.line}; each node must appear once`));
    } else {
      first.set(key, pos);
    }
  }
  return issues;
}
