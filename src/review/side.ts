import { join, resolve } from "node:path";
import { Document, isMap, parseDocument } from "yaml";
import { readFileSync, writeFileSync } from "node:fs";
import type { Catalog } from "../catalog/catalog";
import { loadCatalog } from "../catalog/load";
import { filesDigest, playbookFiles } from "../components/playbook-digest";
import { validateFleetFile, type Validation } from "../fleet/validate";
import { planFleet, type NodePlan } from "../plan/node-plan";
import { checkedLayout, nodesOfStack } from "../shard/membership";
import { hasErrors, InvalidInputError, type Issue } from "../source/issues";
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
    return { stack, exists: false, fleetFile: "", plans: new Map(), sharedKey: "", catalog };
  }
  const settings = checked(root, { value: file.stack?.settings, issues: file.issues });
  const fleetFile = resolve(root.dir, settings.fleetFile);
  const validation = validatedOnce(fleetFile, catalog);
  const fleet = checked(root, { value: validation.fleet, issues: validation.issues });
  const shards = checkedLayout(root.dir, stack, settings);
  checked(root, { value: true, issues: shards.issues });
  const plans = nodesOfStack(planFleet(fleet, catalog, settings), stack, settings.environment, shards.layout);
  const { fleetFile: _where, ...shared } = settings;
  return {
    stack, exists: true, fleetFile, settings, catalog,
    plans: new Map(plans.map((p) => [p.hostname, p])),
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
  return new Set([...all].filter((h) => JSON.stringify(base.plans.get(h)) !== JSON.stringify(head.plans.get(h))));
}

/** Writes a copy of a side's fleet file that keeps only `hostnames` (and the nodes they
 *  name in `replaces`, which validation needs), comments and defaults included. */
export function writeSubsetFleet(side: StackSide, hostnames: ReadonlySet<string>, target: string): number {
  const keep = new Set(hostnames);
  for (const h of hostnames) {
    const replaces = side.plans.get(h)?.replaces;
    if (replaces) keep.add(replaces);
  }
  // Validated already (duplicates reported there); yaml's own duplicate check is quadratic.
  const doc: Document = parseDocument(readFileSync(side.fleetFile, "utf8"), { uniqueKeys: false, version: "1.2" });
  const nodes = doc.get("nodes");
  let kept = 0;
  if (isMap(nodes)) {
    nodes.items = nodes.items.filter((pair) => {
      const keepIt = keep.has(String((pair.key as { value?: unknown } | null)?.value ?? pair.key));
      if (keepIt) kept++;
      return keepIt;
    });
  }
  writeFileSync(target, doc.toString());
  return kept;
}
