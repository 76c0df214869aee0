import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { ENVIRONMENTS } from "../naming";
import { list, nameOf } from "./context";

/** The environment field must be one of prd, stg, dev. */
export function environmentKnown(node: FleetNode): Issue[] {
  const name = nameOf(node);
  if (!name || ENVIRONMENTS.some((e) => e.code === name.env)) return [];
  return [issueAt(node.namePos(name.offsets.env), "environment-known",
    `environment "${name.env}" is not known; allowed: ${list(ENVIRONMENTS.map((e) => e.code))}`)];
}
