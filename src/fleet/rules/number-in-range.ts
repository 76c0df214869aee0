import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { nameOf } from "./context";

/** Node numbers run from 001 to 999; 000 is not a node. */
export function numberInRange(node: FleetNode): Issue[] {
  const name = nameOf(node);
  if (!name || name.number >= 1) return [];
  return [issueAt(node.namePos(name.offsets.number), "number-in-range",
    `node number "000" is not allowed; allowed: 001-999`)];
}
