import type { Catalog } from "../catalog/catalog";
import { sortIssues, type Issue } from "../source/issues";
import { loadFleet, parseFleet, type LoadedFleet } from "./load";
import type { FleetRule, NodeRule, RuleContext } from "./rules/context";
import { countryMatchesRegion } from "./rules/country-matches-region";
import { environmentKnown } from "./rules/environment-known";
import { hostnameFormat } from "./rules/hostname-format";
import { labelsValid } from "./rules/labels-valid";
import { numberInRange } from "./rules/number-in-range";
import { panelSupportsNode } from "./rules/panel-supports-node";
import { prdProtected } from "./rules/prd-protected";
import { providerProvisions } from "./rules/provider-provisions";
import { regionExists } from "./rules/region-exists";
import { replacesNoCycle } from "./rules/replaces-no-cycle";
import { replacesOnce } from "./rules/replaces-once";
import { replacesSameEnvironment } from "./rules/replaces-same-environment";
import { identityNotInDefaults, imageOnNode } from "./rules/server-identity-on-node";
import { sizeAvailable } from "./rules/size-available";
import { typeImplemented } from "./rules/type-implemented";

/** Every node rule, in the order a reader checks a hostname: left to right, then the body. */
export const NODE_RULES: readonly NodeRule[] = [
  hostnameFormat, environmentKnown, typeImplemented, providerProvisions, regionExists,
  countryMatchesRegion, numberInRange, sizeAvailable, panelSupportsNode, replacesSameEnvironment, labelsValid, imageOnNode,
  prdProtected,
];

export const FLEET_RULES: readonly FleetRule[] = [replacesOnce, replacesNoCycle, identityNotInDefaults];

/** The outcome of validating a fleet file: the fleet (when it could be read at all)
 *  and every issue, sorted by position. Errors mean nothing may be deployed. */
export interface Validation {
  readonly fleet?: LoadedFleet;
  readonly issues: readonly Issue[];
}

/** Runs every rule on a loaded fleet and returns all issues, never stopping early. */
export function runRules(fleet: LoadedFleet, catalog: Catalog): Issue[] {
  const ctx: RuleContext = { catalog, fleet };
  return [
    ...FLEET_RULES.flatMap((rule) => rule(ctx)),
    ...fleet.nodes.flatMap((node) => NODE_RULES.flatMap((rule) => rule(node, ctx))),
  ];
}

/** Validates fleet text (used by `fleet add` before it writes anything). */
export function validateFleetText(file: string, text: string, catalog: Catalog): Validation {
  return withRules(parseFleet(file, text), catalog);
}

/** Validates a fleet file on disk. */
export function validateFleetFile(path: string, catalog: Catalog): Validation {
  return withRules(loadFleet(path), catalog);
}

function withRules(loaded: { fleet?: LoadedFleet; issues: Issue[] }, catalog: Catalog): Validation {
  const ruleIssues = loaded.fleet ? runRules(loaded.fleet, catalog) : [];
  return { fleet: loaded.fleet, issues: sortIssues([...loaded.issues, ...ruleIssues]) };
}
