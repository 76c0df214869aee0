import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { NODE_TYPES } from "../../catalog/node-types";
import { list, nameOf } from "./context";

/** The type field must be a known node type, and one that node-fleet builds (sha). */
export function typeImplemented(node: FleetNode): Issue[] {
  const name = nameOf(node);
  if (!name) return [];
  const type = NODE_TYPES.find((t) => t.code === name.type);
  const implemented = NODE_TYPES.filter((t) => t.implemented).map((t) => t.code);
  if (type?.implemented) return [];
  const message = type
    ? `node type "${name.type}" (${type.name}) is reserved, not implemented yet; implemented: ${list(implemented)}`
    : `node type "${name.type}" is not known; implemented: ${list(implemented)}; reserved: ${list(NODE_TYPES.filter((t) => !t.implemented).map((t) => t.code))}`;
  return [issueAt(node.namePos(name.offsets.type), "type-implemented", message)];
}
