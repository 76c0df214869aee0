import { HOSTNAME_FORMAT, parseHostname } from "../../fleet/naming";
import { FIREWALL, SERVER, type PolicyRule } from "./types";

/** Servers and firewalls are named by the node's hostname, which follows the convention
 *  and names a region the catalog knows, in its own country (seed 000). */
export const hostnameConvention: PolicyRule = {
  name: "hostname-convention",
  description: `server and firewall names follow ${HOSTNAME_FORMAT} with a catalog region`,
  check(resource, { catalog }) {
    if (resource.type !== SERVER && resource.type !== FIREWALL) return [];
    const name = resource.inputs.name;
    if (typeof name !== "string") return [`${resource.name} has no name`];
    const parsed = parseHostname(name);
    if ("problem" in parsed) return [`name "${name}" does not follow ${HOSTNAME_FORMAT}: ${parsed.problem.message}`];
    const region = catalog.region(parsed.name.provider, parsed.name.region);
    if (!region) return [`name "${name}": region ${parsed.name.region} is not in the catalog for provider ${parsed.name.provider}`];
    if (region.country !== parsed.name.country) {
      return [`name "${name}": country "${parsed.name.country}" is not the country of ${region.code} ("${region.country}")`];
    }
    return [];
  },
};
