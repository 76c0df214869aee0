import { adminPortsClosed } from "./admin-ports-closed";
import { catalogServer } from "./catalog-server";
import { hostnameConvention } from "./hostname-convention";
import { prdServersProtected } from "./prd-protected";
import { reservedLabels } from "./reserved-labels";
import { stepCommandsPlain } from "./step-commands-plain";
import type { PolicyContext, PolicyResource, PolicyRule } from "./types";

export type { PolicyContext, PolicyResource, PolicyRule } from "./types";

/** The policies of node-fleet: the policy pack (policy/) and the offline checks of
 *  `fleet plan` and `fleet diff` run exactly these. */
export const POLICY_RULES: readonly PolicyRule[] = [
  hostnameConvention, prdServersProtected, adminPortsClosed, reservedLabels, catalogServer, stepCommandsPlain,
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
