import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { RESERVED_LABEL_KEYS } from "../labels";
import { list } from "./context";

const NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?)?$/;

/** Labels must satisfy Hetzner's label syntax (the API refuses the server otherwise),
 *  and must not set the keys node-fleet uses to find its own servers. */
export function labelsValid(node: FleetNode): Issue[] {
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(node.spec?.labels ?? {})) {
    // Finding a position scans the file's maps: only done for a label that is wrong.
    const keyPos = () => node.fieldPos(["labels", key], "key");
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    if ((RESERVED_LABEL_KEYS as readonly string[]).includes(key)) {
      issues.push(issueAt(keyPos(), "labels-valid",
        `label "${key}" is set by node-fleet; reserved: ${list(RESERVED_LABEL_KEYS)}`));
    } else if (!NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix)))) {
      issues.push(issueAt(keyPos(), "labels-valid",
        `label key "${key}" is not valid for Hetzner: [prefix/]name, name up to 63 characters of ` +
        `letters, digits, "-", "_" and ".", starting and ending with a letter or digit; prefix a DNS name`));
    }
    if (!VALUE.test(value)) {
      issues.push(issueAt(node.fieldPos(["labels", key]), "labels-valid",
        `label value "${value}" of "${key}" is not valid for Hetzner: empty, or up to 63 characters of ` +
        `letters, digits, "-", "_" and ".", starting and ending with a letter or digit`));
    }
  }
  return issues;
}
