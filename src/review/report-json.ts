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

function resourceJson(r: FleetDiff["nodes"][number]["resources"][number]) {
  return {
    type: r.type, name: r.name, action: r.action,
    changedInputs: r.changes,
    ...(r.replaceBecause.length > 0 ? { replaceBecause: r.replaceBecause } : {}),
    ...(r.blocked ? { blocked: r.blocked } : {}),
  };
}
