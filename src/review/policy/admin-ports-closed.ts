import { sourceListProblems } from "../../stack/admin-sources";
import { environmentOf, FIREWALL, type PolicyRule } from "./types";

const ADMIN_PORTS = [22, 10000];

/** Whether a firewall port spec ("22", "10000", "1000-20000", "any") covers a port. */
function covers(spec: unknown, port: number): boolean {
  if (spec === undefined || spec === "any") return true;
  const [from, to] = String(spec).split("-").map(Number);
  return from !== undefined && port >= from && port <= (to ?? from);
}

/** SSH (22) and Webmin (10000) are login surfaces: in prd and stg only the admin
 *  networks may reach them, never the whole internet, however it is written (`0::/0`,
 *  `0.0.0.0/1` + `128.0.0.0/1`) and never a block wider than /16 or /32: the same check
 *  as the stack settings (sourceListProblems), on the addresses the firewall really has. */
export const adminPortsClosed: PolicyRule = {
  name: "admin-ports-not-world-open",
  description: "in prd and stg, SSH (22) and Webmin (10000) are open only to admin networks (/16 or narrower for IPv4, /32 for IPv6), never to the whole internet",
  check(resource) {
    const env = environmentOf(resource);
    if (resource.type !== FIREWALL || (env !== "prd" && env !== "stg")) return [];
    const rules = Array.isArray(resource.inputs.rules) ? (resource.inputs.rules as Record<string, unknown>[]) : [];
    return rules.flatMap((rule) => {
      if (rule.direction !== "in" || (rule.protocol !== "tcp" && rule.protocol !== undefined)) return [];
      const sources = Array.isArray(rule.sourceIps) ? (rule.sourceIps as string[]) : [];
      return ADMIN_PORTS.filter((p) => covers(rule.port, p)).flatMap((p) =>
        sourceListProblems(sources, { environment: env, surface: `port ${p}`, worldAllowed: false })
          .map((problem) => `${env} firewall ${resource.name}: ${problem.message}`));
    });
  },
};
