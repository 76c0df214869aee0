import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { writeFileSync } from "node:fs";
import type { Catalog } from "../catalog/catalog";
import { loadCatalog } from "../catalog/load";
import { filesDigest, playbookFiles } from "../components/playbook-digest";
import { validateFleetFile, type Validation } from "../fleet/validate";
import { planFleet, type NodePlan } from "../plan/node-plan";
import { checkedLayout, nodesOfStack } from "../shard/membership";
import { hasErrors, InvalidInputError, type Issue } from "../source/issues";
import { dataOf, type YamlSource } from "../source/yaml-source";
import type { StackSettings } from "../stack/settings";
import { readStackFile } from "../stack/stack-file";
import type { RevisionRoot } from "./revision";

/** One stack at one revision, decided without Pulumi: its resolved node plans and what
 *  every node of the stack shares (settings, playbooks). */
export interface StackSide {
  readonly stack: string;
  readonly exists: boolean;
  readonly fleetFile: string;
  readonly plans: ReadonlyMap<string, NodePlan>;
  /** Anything outside the node plans that reaches every node's resources. */
  readonly sharedKey: string;
  readonly settings?: StackSettings;
  readonly catalog: Catalog;
  /** The validated fleet file (absent when the stack did not exist). */
  readonly source?: YamlSource;
  /** Each node's validated fields (defaults applied), as text: with the hostname, the
   *  catalog and the settings, all that its plan is made from (planNode is pure). */
  readonly specs: ReadonlyMap<string, string>;
}

/** Names the revision in every issue instead of a temporary directory. */
function relabel(issues: readonly Issue[], root: RevisionRoot): Issue[] {
  return issues.map((i) => ({ ...i, file: i.file.includes(root.dir) ? i.file.replace(root.dir, `[${root.label}]`) : `[${root.label}] ${i.file}` }));
}

function checked<T>(root: RevisionRoot, result: { value?: T; issues: readonly Issue[] }): T {
  if (result.value === undefined || hasErrors(result.issues)) throw new InvalidInputError(relabel(result.issues, root));
  return result.value;
}

/** Reads a revision's catalog once. */
export function revisionCatalog(root: RevisionRoot): Catalog {
  try {
    return loadCatalog(join(root.dir, "catalog"));
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError(relabel(err.issues, root));
    throw err;
  }
}

const validations = new WeakMap<Catalog, Map<string, Validation>>();

/** Every stack of a revision reads the same fleet file: validating 10,000 nodes once per
 *  revision instead of once per stack is most of a diff's time. Keyed by the revision's
 *  catalog (one per revision) and the file. */
function validatedOnce(fleetFile: string, catalog: Catalog): Validation {
  let byFile = validations.get(catalog);
  if (!byFile) validations.set(catalog, byFile = new Map());
  let validation = byFile.get(fleetFile);
  if (!validation) byFile.set(fleetFile, validation = validateFleetFile(fleetFile, catalog));
  return validation;
}

/** A stack of a revision. A stack file absent at that revision means the stack did not
 *  exist there: all its nodes are new (or gone). */
export function readSide(root: RevisionRoot, stack: string, catalog: Catalog): StackSide {
  const file = readStackFile(root.dir, stack);
  if (!file.stack && file.issues.every((i) => i.code === "stack-file")) {
    return { stack, exists: false, fleetFile: "", plans: new Map(), specs: new Map(), sharedKey: "", catalog };
  }
  const settings = checked(root, { value: file.stack?.settings, issues: file.issues });
  const fleetFile = resolve(root.dir, settings.fleetFile);
  const validation = validatedOnce(fleetFile, catalog);
  const fleet = checked(root, { value: validation.fleet, issues: validation.issues });
  const shards = checkedLayout(root.dir, stack, settings);
  checked(root, { value: true, issues: shards.issues });
  const plans = nodesOfStack(planFleet(fleet, catalog, settings), stack, settings.environment, shards.layout);
  const { fleetFile: _where, ...shared } = settings;
  const planned = new Map(plans.map((p) => [p.hostname, p]));
  return {
    stack, exists: true, fleetFile, settings, catalog, source: fleet.source,
    plans: planned,
    specs: new Map(fleet.nodes.filter((n) => planned.has(n.hostname)).map((n) => [n.hostname, JSON.stringify(n.spec)])),
    sharedKey: JSON.stringify({ shared, playbooks: filesDigest(root.dir, playbookFiles(root.dir).files) }),
  };
}

/** The nodes whose resources may differ between two sides: a node whose resolved plan
 *  and shared inputs are equal declares equal resources, so only the others need the
 *  program run under mocks. This is what keeps a diff's cost proportional to the
 *  change rather than to the fleet. */
export function changedNodes(base: StackSide, head: StackSide): Set<string> {
  const all = new Set([...base.plans.keys(), ...head.plans.keys()]);
  if (base.sharedKey !== head.sharedKey) return all;
  // Same catalog and settings: a node's plan differs only if its fields do, and they are
  // a tenth of the plan's text (its firewall rules and Ansible variables come from the
  // settings). Otherwise the plans themselves are compared.
  if (catalogKey(base.catalog) === catalogKey(head.catalog)) {
    return new Set([...all].filter((h) => !base.plans.has(h) || !head.plans.has(h) || base.specs.get(h) !== head.specs.get(h)));
  }
  return new Set([...all].filter((h) => JSON.stringify(base.plans.get(h)) !== JSON.stringify(head.plans.get(h))));
}

const catalogKeys = new WeakMap<Catalog, string>();

function catalogKey(catalog: Catalog): string {
  let key = catalogKeys.get(catalog);
  if (key === undefined) catalogKeys.set(catalog, key = JSON.stringify(catalog));
  return key;
}

/** Writes a fleet file that holds only `hostnames` (and the nodes they name in
 *  `replaces`, which validation needs) with the side's other sections, from the fleet
 *  validated already: no second parse of a 10,000-node file for a one-node change. */
export function writeSubsetFleet(side: StackSide, hostnames: ReadonlySet<string>, target: string): number {
  const keep = new Set(hostnames);
  for (const h of hostnames) {
    const replaces = side.plans.get(h)?.replaces;
    if (replaces) keep.add(replaces);
  }
  const data = (side.source ? dataOf(side.source) : {}) as Record<string, unknown>;
  const nodes = Object.entries((data.nodes ?? {}) as Record<string, unknown>).filter(([hostname]) => keep.has(hostname));
  writeFileSync(target, stringify({ ...data, nodes: Object.fromEntries(nodes) }));
  return nodes.length;
}
