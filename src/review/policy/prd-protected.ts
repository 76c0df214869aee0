import { environmentOf, SERVER, type PolicyRule } from "./types";

/** A production server can be neither deleted nor rebuilt by accident: Pulumi's
 *  `protect` and Hetzner's delete and rebuild protection are all on. */
export const prdServersProtected: PolicyRule = {
  name: "prd-servers-protected",
  description: "prd servers have Pulumi protect, Hetzner delete protection and rebuild protection",
  check(resource) {
    if (resource.type !== SERVER || environmentOf(resource) !== "prd") return [];
    const missing = [
      resource.protect ? "" : "Pulumi protect",
      resource.inputs.deleteProtection === true ? "" : "deleteProtection",
      resource.inputs.rebuildProtection === true ? "" : "rebuildProtection",
    ].filter(Boolean);
    return missing.length > 0 ? [`prd server ${resource.name} lacks ${missing.join(", ")}`] : [];
  },
};
