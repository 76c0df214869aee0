import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";

/** A hostname must have the 23-character, six-field shape of the naming convention. */
export function hostnameFormat(node: FleetNode): Issue[] {
  if ("name" in node.parsed) return [];
  const { offset, message } = node.parsed.problem;
  return [issueAt(node.namePos(offset), "hostname-format", message)];
}
