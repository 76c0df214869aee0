import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Catalog } from "../catalog/catalog";
import type { StackPlan } from "../offline/plan-stack";
import { sumEur } from "../plan/cost";
import { cleanUpOnSignal } from "../source/cleanup-on-signal";
import { InvalidInputError, type Issue } from "../source/issues";
import { compareResources } from "./compare";
import type { ResourceStep } from "./engine-step";
import { consequences, DESTRUCTIVE, NODE_CHANGES, nodeChangeKind, unblockSteps, type NodeChange, type NodeChangeKind } from "./node-change";
import type { PlanRequest } from "./plan-worker";
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

/** A planning process started for a revision: it loads Pulumi while the caller decides
 *  what to plan, then plans one stack's subset under mocks (mocks are process-wide). */
interface Planner {
  plan(side: StackSide, hostnames: ReadonlySet<string>): Promise<StackPlan | undefined>;
  /** Ends the process if it was never asked to plan. */
  close(): void;
}

function startPlanner(root: RevisionRoot): Planner {
  const child = spawn(process.execPath, [join(root.dir, "dist/review/plan-worker.js")], { stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => out.push(d));
  child.stderr.on("data", (d: Buffer) => err.push(d));
  const exited = new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("close", done);
  });
  // Only a planner asked to plan awaits its exit; a spawn failure must not go unhandled otherwise.
  exited.catch(() => undefined);
  return {
    close: () => { if (!child.stdin.writableEnded) child.kill(); },
    async plan(side, hostnames) {
      const mine = new Set([...hostnames].filter((h) => side.plans.has(h)));
      if (!side.exists || mine.size === 0) {
        child.kill();
        return undefined;
      }
      const fleetFile = join(root.dir, `.fleet-diff-${side.stack}.yaml`);
      writeSubsetFleet(side, mine, fleetFile);
      const request: PlanRequest = { stack: side.stack, projectDir: root.dir, fleetFile };
      child.stdin.end(JSON.stringify(request));
      const code = await exited;
      const stderr = Buffer.concat(err).toString();
      if (code === 0) return JSON.parse(Buffer.concat(out).toString()) as StackPlan;
      if (code === 1) {
        let issues: Issue[] | undefined;
        try {
          issues = JSON.parse(stderr) as Issue[];
        } catch { /* not issues: reported below */ }
        if (issues) throw new InvalidInputError(issues);
      }
      throw new Error(`offline plan of stack ${side.stack} at ${root.label} failed (exit ${code}):\n${stderr}`);
    },
  };
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
      steps: unblockSteps(change, { hostname, stack, environment: (after ?? before)!.environment }, steps, !after),
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

interface Revision {
  readonly root: RevisionRoot;
  readonly catalog: Catalog;
}

/** One stack: its two sides decided without Pulumi, then the differing nodes planned
 *  under mocks at both revisions. The planning processes start only for a stack with
 *  differing nodes: loading Pulumi costs about a second of CPU each, and most stacks of
 *  a sharded fleet are untouched by a change. */
async function diffStack(stack: string, baseRev: Revision, headRev: Revision, progress: (line: string) => void) {
  const base = readSide(baseRev.root, stack, baseRev.catalog);
  const head = readSide(headRev.root, stack, headRev.catalog);
  if (!base.exists && !head.exists) {
    throw new InvalidInputError([{ file: `Pulumi.${stack}.yaml`, line: 1, col: 1, severity: "error", code: "stack-file",
      message: `stack "${stack}" has no stack file at ${baseRev.root.label} nor in the working tree` }]);
  }
  const changed = changedNodes(base, head);
  progress(`stack ${stack}: ${changed.size} of ${new Set([...base.plans.keys(), ...head.plans.keys()]).size} nodes differ` +
    (changed.size > 0 ? "; planning them at both revisions…" : ""));
  if (changed.size === 0) return { ...stackDiff(stack, base, head), policy: [] };
  const planners = [startPlanner(baseRev.root), startPlanner(headRev.root)] as const;
  try {
    const [basePlan, headPlan] = await Promise.all([planners[0].plan(base, changed), planners[1].plan(head, changed)]);
    const policy = headPlan
      ? checkPolicies([...headPlan.fleetResources, ...headPlan.nodes.flatMap((n) => n.resources)], { catalog: headRev.catalog })
      : [];
    return { ...stackDiff(stack, base, head, basePlan, headPlan), policy };
  } finally {
    for (const planner of planners) planner.close();
  }
}

/** Compares the project at a git revision with its working tree, stack by stack. Nodes
 *  whose resolved plans are equal are decided without running the program; the rest
 *  are planned under mocks at both revisions, in parallel. */
export async function diffRevisions(options: DiffOptions): Promise<FleetDiff> {
  const progress = options.progress ?? (() => undefined);
  // The two scratch trees (megabytes each) go on Ctrl-C too.
  const roots: RevisionRoot[] = [];
  const release = cleanUpOnSignal(() => { for (const root of roots) root.cleanup(); });
  try {
    const baseRoot = revisionAt(options.projectDir, options.baseRef);
    roots.push(baseRoot);
    const headRoot = workingTree(options.projectDir);
    roots.push(headRoot);
    const baseCatalog = revisionCatalog(baseRoot);
    const headCatalog = revisionCatalog(headRoot);
    const stacks = options.stacks ?? stacksOf(baseRoot, headRoot);
    const stackDiffs: StackDiff[] = [];
    const nodes: NodeChange[] = [];
    const policy: PolicyViolation[] = [];
    for (const stack of stacks) {
      const result = await diffStack(stack, { root: baseRoot, catalog: baseCatalog }, { root: headRoot, catalog: headCatalog }, progress);
      stackDiffs.push(result.summary);
      nodes.push(...result.nodes);
      policy.push(...result.policy);
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
    release();
    for (const root of roots) root.cleanup();
  }
}
