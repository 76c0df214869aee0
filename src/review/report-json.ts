import type { FleetDiff } from "./diff";

/** The `fleet diff --json` document (schema in docs/reviewing-changes.md). */
export function diffJson(diff: FleetDiff): string {
  return JSON.stringify({
    base: diff.base,
    head: diff.head,
    currency: "EUR",
    pricesAsOf: diff.pricesAsOf,
    destructive: diff.destructive,
    totals: diff.totals,
    policy: diff.policy,
    affectedStacks: affectedStacks(diff),
    stacks: diff.stacks.map((s) => ({
      stack: s.stack, counts: s.counts, nodesPlanned: s.nodesPlanned,
      monthlyCostEurBefore: s.monthlyCostEurBefore, monthlyCostEurAfter: s.monthlyCostEurAfter, monthlyCostEurDelta: s.monthlyCostEurDelta,
      stackResources: s.stackResources.map(resourceJson),
    })),
    nodes: diff.nodes.map((n) => ({
      hostname: n.hostname,
      stack: n.stack,
      change: n.change,
      consequences: n.consequences,
      steps: n.steps,
      monthlyCostEurBefore: n.monthlyCostEurBefore,
      monthlyCostEurAfter: n.monthlyCostEurAfter,
      resources: n.resources.map(resourceJson),
    })),
  }, null, 2);
}

/** Stacks (shards included) where `pulumi up` would change something: one CI job each. */
export function affectedStacks(diff: FleetDiff): string[] {
  return diff.stacks.filter((s) => s.stackResources.length > 0 || diff.nodes.some((n) => n.stack === s.stack && n.change !== "unchanged"))
    .map((s) => s.stack);
}

function resourceJson(r: FleetDiff["nodes"][number]["resources"][number]) {
  return {
    type: r.type, name: r.name, action: r.action,
    changedInputs: r.changes,
    ...(r.replaceBecause.length > 0 ? { replaceBecause: r.replaceBecause } : {}),
    ...(r.blocked ? { blocked: r.blocked } : {}),
  };
}
