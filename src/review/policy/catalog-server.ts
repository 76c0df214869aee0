import { SERVER, type PolicyRule } from "./types";

/** A server's type and location are ones the catalog lists, and the type is sold there:
 *  prices, capacity and `fleet diff` costs are only true for catalog sizes. */
export const catalogServer: PolicyRule = {
  name: "catalog-server-type-and-location",
  description: "server types and locations come from the catalog",
  check(resource, { catalog }) {
    if (resource.type !== SERVER) return [];
    const { serverType, location } = resource.inputs;
    const region = typeof location === "string" ? catalog.findRegion("het", location) : undefined;
    const size = typeof serverType === "string" ? catalog.size("het", serverType) : undefined;
    const problems: string[] = [];
    if (!region) problems.push(`server ${resource.name}: location "${String(location)}" is not a catalog region of het`);
    if (!size) problems.push(`server ${resource.name}: server type "${String(serverType)}" is not a catalog size of het`);
    if (region && size && !size.locations.includes(region.code)) {
      problems.push(`server ${resource.name}: ${size.name} is not sold in ${region.code}; catalog locations: ${size.locations.join(", ")}`);
    }
    return problems;
  },
};
