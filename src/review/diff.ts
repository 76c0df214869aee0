import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { StackPlan } from "../offline/plan-stack";
import { sumEur } from "../plan/cost";
import { InvalidInputError, type Issue } from "../source/issues";
import { compareResources } from "./compare";
import type { ResourceStep } from "./engine-step";
import { consequences, DESTRUCTIVE, NODE_CHANGES, nodeChangeKind, unblockSteps, type NodeChange, type NodeChangeKind } from "./node-change";
import { checkPolicies, type PolicyViolation } from "./policy";
import { revisionAt, workingTree, type RevisionRoot } from "./revision";
import { changedNodes, readSide, revisionCatalog, writeSubsetFleet, type StackSide } from "./side";

export interface StackDiff {
  readonly stack: string;
  readonly counts: Readonly<Record<NodeChangeKind, number>>;
  readonly monthlyCostEurBefore: number;
  readonly monthlyCostEurAfter: number;
  readonly monthlyCostEurDelta: number;
  /** Resources of the stack itself (e.g. the master SSH key). */
  readonly stackResources: readonly ResourceStep[];
  /** Nodes planned under mocks (the rest were decided from their resolved plans). */
  readonly nodesPlanned: number;
}

/** base → head, for every stack: what `pulumi up` would do, in words and money. */
export interface FleetDiff {
  readonly base: string;
  readonly head: string;
  readonly pricesAsOf: { readonly base: string; readonly head: string };
  readonly stacks: readonly StackDiff[];
  readonly nodes: readonly NodeChange[];
  /** Every rebuild, removal and blocked change, by hostname. */
  readonly destructive: readonly string[];
  readonly totals: { readonly monthlyCostEurBefore: number; readonly monthlyCostEurAfter: number; readonly monthlyCostEurDelta: number };
  /** Policy violations of the head's changed resources (the rules of policy/). */
  readonly policy: readonly PolicyViolation[];
}

export interface DiffOptions {
  readonly projectDir: string;
  readonly baseRef: string;
  /** Default: every stack with a Pulumi.<stack>.yaml at either revision. */
  readonly stacks?: readonly string[];
  readonly progress?: (line: string) => void;
}

function stacksOf(...roots: RevisionRoot[]): string[] {
  const names = roots.flatMap((r) => readdirSync(r.dir).map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s));
  return [...new Set(names)].sort();
}

/** Plans a subset of one side's nodes under mocks in a child process (mocks are
 *  process-wide), with that revision's program inputs. */
function planSubset(root: RevisionRoot, side: StackSide, hostnames: ReadonlySet<string>): Promise<StackPlan | undefined> {
  const mine = new Set([...hostnames].filter((h) => side.plans.has(h)));
  if (!side.exists || mine.size === 0) return Promise.resolve(undefined);
  const subset = join(root.dir, `.fleet-diff-${side.stack}.yaml`);
  writeSubsetFleet(side, mine, subset);
  return new Promise((resolvePlan, reject) => {
    const child = spawn(process.execPath, [join(root.dir, "dist/review/plan-worker.js"), side.stack, root.dir, subset],
      { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const stderr = Buffer.concat(err).toString();
      if (code === 0) return resolvePlan(JSON.parse(Buffer.concat(out).toString()) as StackPlan);
      if (code === 1) {
        try {
          return reject(new InvalidInputError(JSON.parse(stderr) as Issue[]));
        } catch { /* not issues: report the text below */ }
      }
      reject(new Error(`offline plan of stack ${side.stack} at ${root.label} failed (exit ${code}):\n${stderr}`));
    });
  });
}

function stackDiff(stack: string, base: StackSide, head: StackSide, basePlan?: StackPlan, headPlan?: StackPlan): { summary: StackDiff; nodes: NodeChange[] } {
  const changed = changedNodes(base, head);
  const planned = new Map<string, { before?: StackPlan["nodes"][number]; after?: StackPlan["nodes"][number] }>();
  for (const n of basePlan?.nodes ?? []) planned.set(n.hostname, { before: n });
  for (const n of headPlan?.nodes ?? []) planned.set(n.hostname, { ...planned.get(n.hostname), after: n });
  const sharedChanged = base.sharedKey !== head.sharedKey;
  const stackResources = sharedChanged || base.plans.size === 0 || head.plans.size === 0
    ? compareResources(basePlan?.fleetResources ?? [], headPlan?.fleetResources ?? []).filter((s) => s.action !== "unchanged")
    : [];
  const renewed = new Set(stackResources.filter((s) => s.action === "create" || s.action === "replace").map((s) => s.name));
  const hostnames = [...new Set([...base.plans.keys(), ...head.plans.keys()])].sort();
  const nodes = hostnames.map((hostname): NodeChange => {
    const before = base.plans.get(hostname);
    const after = head.plans.get(hostname);
    const p = planned.get(hostname);
    const steps = changed.has(hostname) ? compareResources(p?.before?.resources ?? [], p?.after?.resources ?? [], renewed) : [];
    const change = nodeChangeKind(before, after, steps);
    return {
      hostname, stack, change,
      consequences: consequences(change, before, after, steps),
      steps: unblockSteps(change, hostname, stack, !after),
      monthlyCostEurBefore: before?.monthlyCostEur ?? 0,
      monthlyCostEurAfter: after?.monthlyCostEur ?? 0,
      resources: steps,
    };
  });
  const counts = Object.fromEntries(NODE_CHANGES.map((k) => [k, nodes.filter((n) => n.change === k).length])) as Record<NodeChangeKind, number>;
  const before = sumEur(nodes.map((n) => n.monthlyCostEurBefore));
  const after = sumEur(nodes.map((n) => n.monthlyCostEurAfter));
  return {
    nodes,
    summary: {
      stack, counts, monthlyCostEurBefore: before, monthlyCostEurAfter: after, monthlyCostEurDelta: sumEur([after, -before]),
      stackResources, nodesPlanned: planned.size,
    },
  };
}

/** Compares the project at a git revision with its working tree, stack by stack. Nodes
 *  whose resolved plans are equal are decided without running the program; the rest
 *  are planned under mocks at both revisions, in parallel. */
export async function diffRevisions(options: DiffOptions): Promise<FleetDiff> {
  const progress = options.progress ?? (() => undefined);
  const baseRoot = revisionAt(options.projectDir, options.baseRef);
  const headRoot = workingTree(options.projectDir);
  try {
    const baseCatalog = revisionCatalog(baseRoot);
    const headCatalog = revisionCatalog(headRoot);
    const stacks = options.stacks ?? stacksOf(baseRoot, headRoot);
    const stackDiffs: StackDiff[] = [];
    const nodes: NodeChange[] = [];
    const policy: PolicyViolation[] = [];
    for (const stack of stacks) {
      const base = readSide(baseRoot, stack, baseCatalog);
      const head = readSide(headRoot, stack, headCatalog);
      if (!base.exists && !head.exists) {
        throw new InvalidInputError([{ file: `Pulumi.${stack}.yaml`, line: 1, col: 1, severity: "error", code: "stack-file",
          message: `stack "${stack}" has no stack file at ${baseRoot.label} nor in the working tree` }]);
      }
      const changed = changedNodes(base, head);
      progress(`stack ${stack}: ${changed.size} of ${new Set([...base.plans.keys(), ...head.plans.keys()]).size} nodes differ; planning them at both revisions…`);
      const [basePlan, headPlan] = await Promise.all([planSubset(baseRoot, base, changed), planSubset(headRoot, head, changed)]);
      const { summary, nodes: stackNodes } = stackDiff(stack, base, head, basePlan, headPlan);
      stackDiffs.push(summary);
      if (headPlan) {
        policy.push(...checkPolicies([...headPlan.fleetResources, ...headPlan.nodes.flatMap((n) => n.resources)], { catalog: headCatalog }));
      }
      nodes.push(...stackNodes);
    }
    const before = sumEur(stackDiffs.map((s) => s.monthlyCostEurBefore));
    const after = sumEur(stackDiffs.map((s) => s.monthlyCostEurAfter));
    return {
      base: baseRoot.label,
      head: headRoot.label,
      pricesAsOf: { base: baseCatalog.prices.asOf, head: headCatalog.prices.asOf },
      stacks: stackDiffs,
      nodes,
      destructive: nodes.filter((n) => DESTRUCTIVE.includes(n.change)).map((n) => n.hostname),
      totals: { monthlyCostEurBefore: before, monthlyCostEurAfter: after, monthlyCostEurDelta: sumEur([after, -before]) },
      policy,
    };
  } finally {
    baseRoot.cleanup();
    headRoot.cleanup();
  }
}
