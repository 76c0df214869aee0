import { ANYWHERE } from "../../stack/settings";
import { environmentOf, FIREWALL, type PolicyRule } from "./types";

const ADMIN_PORTS = [22, 10000];

/** Whether a firewall port spec ("22", "10000", "1000-20000", "any") covers a port. */
function covers(spec: unknown, port: number): boolean {
  if (spec === undefined || spec === "any") return true;
  const [from, to] = String(spec).split("-").map(Number);
  return from !== undefined && port >= from && port <= (to ?? from);
}

/** SSH (22) and Webmin (10000) are login surfaces: in prd and stg only the admin
 *  networks may reach them, never the whole internet. */
export const adminPortsClosed: PolicyRule = {
  name: "admin-ports-not-world-open",
  description: "in prd and stg, SSH (22) and Webmin (10000) are not open to 0.0.0.0/0 or ::/0",
  check(resource) {
    const env = environmentOf(resource);
    if (resource.type !== FIREWALL || (env !== "prd" && env !== "stg")) return [];
    const rules = Array.isArray(resource.inputs.rules) ? (resource.inputs.rules as Record<string, unknown>[]) : [];
    return rules.flatMap((rule) => {
      if (rule.direction !== "in" || (rule.protocol !== "tcp" && rule.protocol !== undefined)) return [];
      const sources = Array.isArray(rule.sourceIps) ? (rule.sourceIps as string[]) : [];
      const world = sources.filter((s) => (ANYWHERE as readonly string[]).includes(s));
      return ADMIN_PORTS.filter((p) => covers(rule.port, p) && world.length > 0)
        .map((p) => `${env} firewall ${resource.name} opens port ${p} to ${world.join(", ")}; allow only the admin networks`);
    });
  },
};
