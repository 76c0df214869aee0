import type { Channel } from "../notify/channels";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../notify/limiter";
import { deliver } from "../notify/notifier";
import { checkNode, type CheckOptions } from "./check-node";
import type { HealthEvent } from "./events";
import type { NodeRecord, NodeState, Safeguards } from "./model";
import { newRecord, observe } from "./node-round";
import { mapPool } from "./pool";
import { executeSteps, unavailableSteps, type RecoveryActions } from "./recovery";
import { planRecovery, recordOutcome } from "./recovery-plan";
import type { StateDir } from "./store";
import type { CheckResult, HealthTarget } from "./types";

/** One node in a round's report (`fleet health --json`). */
export interface NodeReport {
  readonly hostname: string;
  readonly healthy: boolean;
  readonly state: NodeState;
  readonly checks: readonly CheckResult[];
  readonly consecutiveFailures: number;
  readonly lastSuccess?: string;
  readonly incident?: { id: string; kind: string; status: string; attempts: number; held?: string };
}

export interface RoundReport {
  readonly checkedAt: string;
  readonly stack: string;
  readonly healthy: boolean;
  readonly nodes: readonly NodeReport[];
  readonly events: readonly HealthEvent[];
  readonly notifications: { sent: number; suppressed: number; errors: string[] };
}

export interface RoundDeps {
  readonly targets: () => Promise<HealthTarget[]>;
  readonly store: StateDir;
  readonly check: CheckOptions;
  readonly concurrency: number;
  readonly safeguards: Safeguards;
  readonly heal: boolean;
  readonly actions: RecoveryActions;
  readonly channels: readonly Channel[];
  readonly rateLimits?: RateLimits;
  readonly clock: () => number;
}

/** One round: check every node (bounded pool), update records and incidents,
 *  decide and run recovery, notify, and save the state and the audit trail. */
export async function runRound(deps: RoundDeps): Promise<RoundReport> {
  const state = deps.store.load();
  const targets = await deps.targets();
  const results = await mapPool(targets, deps.concurrency, (t) => checkNode(t, deps.check));
  const now = deps.clock();
  const events: HealthEvent[] = [];
  const previous = new Map(state.nodes.map((r) => [r.hostname, r]));
  const records: NodeRecord[] = results.map(({ target, checks }) => {
    const prev = previous.get(target.hostname) ?? newRecord(target, now, deps.safeguards);
    const { record, events: seen } = observe(prev, { target, checks }, now, deps.safeguards);
    events.push(...seen);
    return record;
  });
  const checked = new Set(targets.map((t) => t.hostname));
  const gone = state.nodes.filter((r) => !checked.has(r.hostname)).map((r): NodeRecord => ({ ...r, state: "decommissioned" }));

  const plan = planRecovery({ records, targets: new Map(targets.map((t) => [t.hostname, t])), now, safeguards: deps.safeguards,
    heal: deps.heal, unavailable: unavailableSteps(deps.actions) });
  events.push(...plan.events);
  const run = await executeSteps(plan.steps, deps.actions, deps.clock);
  events.push(...run.events);
  const byHost = new Map(plan.records.map((r) => [r.hostname, r]));
  for (const o of run.outcomes) byHost.set(o.hostname, recordOutcome(byHost.get(o.hostname)!, o.step, o.ok, o.detail, deps.clock(), deps.safeguards));

  const delivery = await deliver(events, deps.channels, state.notified, now, deps.rateLimits ?? DEFAULT_RATE_LIMITS);
  deps.store.append(events);
  const final = [...byHost.values()];
  deps.store.save({ ...state, nodes: [...final, ...gone], notified: delivery.memory });

  const nodes = results.map(({ target, checks, healthy }): NodeReport => {
    const r = byHost.get(target.hostname)!;
    return {
      hostname: target.hostname, healthy, state: r.state, checks, consecutiveFailures: r.consecutiveFailures,
      ...(r.lastSuccessAt !== undefined ? { lastSuccess: new Date(r.lastSuccessAt).toISOString() } : {}),
      ...(r.incident ? { incident: { id: r.incident.id, kind: r.incident.kind, status: r.incident.status, attempts: r.incident.attempts.length,
        ...(r.incident.held ? { held: r.incident.held } : {}) } } : {}),
    };
  });
  return {
    checkedAt: new Date(now).toISOString(), stack: deps.store.stack,
    healthy: nodes.every((n) => n.healthy || n.state === "maintenance"),
    nodes, events,
    notifications: { sent: delivery.sent, suppressed: delivery.suppressed, errors: delivery.errors },
  };
}
