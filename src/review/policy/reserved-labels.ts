import { RESERVED_LABEL_KEYS } from "../../fleet/labels";
import { SERVER, type PolicyRule } from "./types";

/** Every server carries node-fleet's reserved labels, so tools can select the fleet's
 *  servers (`hcloud server list -l managed-by=node-fleet,env=prd`). */
export const reservedLabels: PolicyRule = {
  name: "reserved-labels",
  description: `every server carries the labels ${RESERVED_LABEL_KEYS.join(", ")}`,
  check(resource) {
    if (resource.type !== SERVER) return [];
    const labels = (resource.inputs.labels ?? {}) as Record<string, unknown>;
    const missing = RESERVED_LABEL_KEYS.filter((k) => typeof labels[k] !== "string" || labels[k] === "");
    const wrong = labels["managed-by"] !== undefined && labels["managed-by"] !== "node-fleet" ? ['managed-by must be "node-fleet"'] : [];
    return [...(missing.length > 0 ? [`server ${resource.name} lacks the labels ${missing.join(", ")}`] : []), ...wrong.map((w) => `server ${resource.name}: ${w}`)];
  },
};
