import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";

/** A prd node is always protected: `protect: false` would lift Pulumi's protect and
 *  Hetzner's delete and rebuild protection for every later deployment, not only the one
 *  it was meant for, and the policy pack refuses such a server (prd-servers-protected).
 *  A prd rebuild or removal lifts protection in the state for exactly the resources
 *  `fleet diff` names, for one deployment (docs/deploying-and-lifecycle.md, "Lifecycle"). */
export function prdProtected(node: FleetNode): Issue[] {
  if (!node.spec || node.spec.protect !== false || !("name" in node.parsed) || node.parsed.name.env !== "prd") return [];
  return [issueAt(node.fieldPos(["protect"], "value"), "prd-protected",
    `${node.hostname}: a prd node cannot set protect: false; remove it. To rebuild or remove the node, make the change ` +
    "and follow the steps `fleet diff` prints (an admin lifts the protection of exactly the blocked resources for that one deployment)")];
}
