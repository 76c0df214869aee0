import { NODE_DEFAULTS } from "../schema";
import { posOfPath } from "../../source/yaml-source";
import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import type { RuleContext } from "./context";

/** Fields that decide which server a node is: a change of `image` replaces the server
 *  (terraform-provider-hcloud internal/server/resource.go: ForceNew) and `rebuild` is
 *  the deliberate replacement. Replacing a server erases its disk. */
const IDENTITY_FIELDS = ["image", "rebuild"] as const;

/** `defaults:` may not set a field that decides a node's server: one edit there would
 *  rebuild every node that inherits it. */
export function identityNotInDefaults({ fleet }: RuleContext): Issue[] {
  return IDENTITY_FIELDS.filter((field) => fleet.source.doc.hasIn(["defaults", field])).map((field) =>
    issueAt(posOfPath(fleet.source, ["defaults", field], "key"), "server-identity-on-node",
      `${field} may not be set in defaults: changing it there would rebuild every node that inherits it, erasing their disks; ` +
      `set ${field} on each node instead (fleet add writes image)`));
}

/** Every node names its own image, so neither `defaults:` nor a default in the code can
 *  ever change the image of a server that exists. */
export function imageOnNode(node: FleetNode): Issue[] {
  if (!node.spec || node.sets("image")) return [];
  return [issueAt(node.keyPos, "server-identity-on-node",
    `${node.hostname} has no image of its own; set one on the node, e.g. \`image: ${NODE_DEFAULTS.image}\`, ` +
    `so that no edit elsewhere can rebuild its server`)];
}
