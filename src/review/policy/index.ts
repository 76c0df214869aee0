import { loadCatalog } from "../../catalog/load";
import type { PlanSink } from "../../offline/plan-stack";
import { adminPortsClosed } from "./admin-ports-closed";
import { catalogServer } from "./catalog-server";
import { hostnameConvention } from "./hostname-convention";
import { prdServerPrimaryIps } from "./prd-primary-ips";
import { prdServersProtected } from "./prd-protected";
import { reservedLabels } from "./reserved-labels";
import { stepCommandsPlain } from "./step-commands-plain";
import type { PolicyContext, PolicyResource, PolicyRule } from "./types";

export type { PolicyContext, PolicyResource, PolicyRule } from "./types";

/** The policies of node-fleet: the policy pack (policy/) and the offline checks of
 *  `fleet plan` and `fleet diff` run exactly these. */
export const POLICY_RULES: readonly PolicyRule[] = [
  hostnameConvention, prdServersProtected, prdServerPrimaryIps, adminPortsClosed, reservedLabels, catalogServer, stepCommandsPlain,
];

export interface PolicyViolation {
  readonly policy: string;
  readonly resource: string;
  readonly message: string;
}

/** Every violation of every rule over a set of resources. */
export function checkPolicies(resources: readonly PolicyResource[], context: PolicyContext): PolicyViolation[] {
  return resources.flatMap((resource) => POLICY_RULES.flatMap((rule) =>
    rule.check(resource, context).map((message) => ({ policy: rule.name, resource: resource.name, message }))));
}

/** A plan sink that checks every resource of a streamed plan against the rules as it
 *  passes (against the catalog the plan used), so `fleet plan` fails on a violation as
 *  `pulumi preview --policy-pack policy` does, without holding the plan in memory. */
export function policyCheckedSink(sink: PlanSink, violations: PolicyViolation[]): PlanSink {
  let context: PolicyContext | undefined;
  return {
    header(header) {
      context = { catalog: loadCatalog(header.catalogDir) };
      sink.header(header);
    },
    nodes(nodes) {
      violations.push(...checkPolicies(nodes.flatMap((n) => n.resources), context!));
      sink.nodes(nodes);
    },
    summary(summary) {
      violations.push(...checkPolicies(summary.fleetResources, context!));
      sink.summary(summary);
    },
  };
}
