import type { ProtectionCheck } from "../automation/operations";
import type { Channel } from "../notify/channels";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../notify/limiter";
import { deliver } from "../notify/notifier";
import { DEFAULT_RECOVERY_SNAPSHOT_DAYS } from "../stack/settings";
import { checkNode, type CheckOptions } from "./check-node";
import type { HealthEvent, Step } from "../events/health-event";
import type { NodeRecord, NodeState } from "./model";
import type { Safeguards } from "./safeguards";
import { newRecord, observe, type Observation } from "./node-round";
import { mapPool } from "./pool";
import { executeSteps, unavailableSteps, type MachineOperations, type RecoveryActions, type StepOutcome } from "./recovery";
import { deferStep, planRecovery, recordOutcome, type PlannedStep } from "./recovery-plan";
import { judgeServerActivity, type SecondOpinion } from "./second-opinion";
import { pruneRecoverySnapshots, recordPrunes } from "./snapshot-retention";
import type { StateDir } from "./store";
import { ForgedSignatureError, readServerIdentity, sameHostKey } from "./probes/ssh-host-key";
import { escapeControl } from "../source/control-chars";
import { NODE_PORTS, type CheckResult, type HealthTarget } from "./types";

/** One node in a round's report (`fleet health --json`). */
export interface NodeReport {
  readonly hostname: string;
  readonly healthy: boolean;
  readonly state: NodeState;
  readonly checks: readonly CheckResult[];
  readonly consecutiveFailures: number;
  readonly lastSuccess?: string;
  readonly incident?: { id: string; kind: string; status: string; attempts: number; held?: string };
  /** What the program protects at Hetzner and Hetzner does not protect now. */
  readonly protectionOff?: readonly string[];
}

export interface RoundReport {
  readonly checkedAt: string;
  readonly stack: string;
  readonly healthy: boolean;
  readonly nodes: readonly NodeReport[];
  /** Why Hetzner's protection of the nodes was not read this round, when it was not. */
  readonly protectionUnchecked?: string;
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
  /** Another audit log to receive the events besides events.jsonl (the platform's). */
  readonly audit?: (events: readonly HealthEvent[]) => void;
  /** Days a node's newest recovery snapshot is kept (stack setting recoverySnapshotDays). */
  readonly recoverySnapshotDays?: number;
  /** Hetzner's protection of what the program protects (FleetAutomation.hetznerProtection). */
  readonly protection?: () => Promise<ProtectionCheck>;
}

/** The decisions of one round over the checks' results: records and incidents
 *  updated node by node, nodes gone from the fleet marked decommissioned, then the
 *  recovery steps to run. Pure: the clock is an input. */
export function decideRound(previous: readonly NodeRecord[], results: readonly Observation[], opts: {
  now: number; safeguards: Safeguards; heal: boolean; unavailable: Partial<Record<Step, string>>;
}): { records: NodeRecord[]; steps: PlannedStep[]; events: HealthEvent[] } {
  const { now, safeguards } = opts;
  const events: HealthEvent[] = [];
  const byHost = new Map(previous.map((r) => [r.hostname, r]));
  const records = results.map(({ target, checks }) => {
    const { record, events: seen } = observe(byHost.get(target.hostname) ?? newRecord(target, now, safeguards), { target, checks }, now, safeguards);
    events.push(...seen);
    return record;
  });
  const checked = new Set(results.map((o) => o.target.hostname));
  const gone = previous.filter((r) => !checked.has(r.hostname)).map((r): NodeRecord => ({ ...r, state: "decommissioned" }));
  const unreachable = new Set(results.filter((o) => o.checks.every((c) => !c.ok)).map((o) => o.target.hostname));
  const plan = planRecovery({ records, targets: new Map(results.map((o) => [o.target.hostname, o.target])), now, safeguards,
    heal: opts.heal, unavailable: opts.unavailable, unreachable });
  return { records: [...plan.records, ...gone], steps: plan.steps, events: [...events, ...plan.events] };
}

/** Records what the executed steps did on their nodes' incidents. */
export function applyOutcomes(records: readonly NodeRecord[], outcomes: readonly StepOutcome[], now: number, s: Safeguards): NodeRecord[] {
  const byHost = new Map(outcomes.map((o) => [o.hostname, o]));
  return records.map((r) => {
    const o = byHost.get(r.hostname);
    if (!o) return r;
    return o.deferred ? deferStep(r, now, s) : recordOutcome(r, o.step, o.ok, o.detail, now, s, o.unrestored ?? false);
  });
}

/** One round: check every node (bounded pool), update records and incidents,
 *  decide and run recovery, notify, and save the state and the audit trail. */
export async function runRound(deps: RoundDeps): Promise<RoundReport> {
  const state = deps.store.load();
  const targets = await deps.targets();
  const [results, protection] = await Promise.all([
    mapPool(targets, deps.concurrency, (t) => checkNode(t, deps.check)),
    deps.protection?.().catch((err: unknown): ProtectionCheck => ({ unchecked: err instanceof Error ? err.message : String(err) })),
  ]);
  const now = deps.clock();
  const unprotected = protectionOffByNode(protection, new Set(targets.map((t) => t.hostname)));
  const decided = decideRound(state.nodes, results, { now, safeguards: deps.safeguards, heal: deps.heal, unavailable: unavailableSteps(deps.actions) });
  // Saved before any step runs, so a crash mid-step cannot make the next run repeat it at once.
  if (decided.steps.length > 0) deps.store.save({ ...state, nodes: decided.records });
  const run = await executeSteps(decided.steps, { ...deps.actions, secondPath: secondPathOf(targets, deps.check.timeoutMs, deps.actions.machines) }, deps.clock,
    deps.safeguards.budgets);
  const stepped = applyOutcomes(decided.records, run.outcomes, deps.clock(), deps.safeguards);
  const snapshots = await pruneSnapshots(deps, stepped);
  const records = snapshots.records;
  const events = [...decided.events, ...run.events, ...snapshots.events, ...[...unprotected].map(([hostname, gaps]): HealthEvent =>
    ({ type: "protection.off", at: now, hostname, message: gaps.join("; ") }))];
  const byHost = new Map(records.map((r) => [r.hostname, r]));

  const delivery = await deliver(events, deps.channels, state.notified, now, deps.rateLimits ?? DEFAULT_RATE_LIMITS);
  deps.store.append(events);
  deps.audit?.(events);
  deps.store.save({ ...state, nodes: records, notified: delivery.memory });

  const nodes = results.map(({ target, checks, healthy }): NodeReport => {
    const r = byHost.get(target.hostname)!;
    return {
      hostname: target.hostname, healthy, state: r.state, checks, consecutiveFailures: r.consecutiveFailures,
      ...(r.lastSuccessAt !== undefined ? { lastSuccess: new Date(r.lastSuccessAt).toISOString() } : {}),
      ...(r.incident ? { incident: { id: r.incident.id, kind: r.incident.kind, status: r.incident.status, attempts: r.incident.attempts.length,
        ...(r.incident.held ? { held: r.incident.held } : {}) } } : {}),
      ...(unprotected.has(target.hostname) ? { protectionOff: unprotected.get(target.hostname)! } : {}),
    };
  });
  return {
    checkedAt: new Date(now).toISOString(), stack: deps.store.stack,
    healthy: nodes.every((n) => (n.healthy || n.state === "maintenance") && !n.protectionOff),
    nodes, ...(protection && "unchecked" in protection ? { protectionUnchecked: protection.unchecked } : {}), events,
    notifications: { sent: delivery.sent, suppressed: delivery.suppressed, errors: delivery.errors },
  };
}

/** Per checked node, one line for each resource whose Hetzner protection is off. */
function protectionOffByNode(protection: ProtectionCheck | undefined, checked: ReadonlySet<string>): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  if (!protection || !("gaps" in protection)) return byNode;
  for (const gap of protection.gaps) {
    if (!gap.hostname || !checked.has(gap.hostname)) continue;
    byNode.set(gap.hostname, [...byNode.get(gap.hostname) ?? [],
      `the program protects ${gap.resource} ${gap.id}, but its Hetzner ${gap.off.join(" and ")} protection is off; turn it on again: ${gap.fix}`]);
  }
  return byNode;
}

/** Deletes the recovery snapshots the stack no longer keeps, after this round's steps (a
 *  rebuild's new snapshot is then the newest), and notes it on the nodes' incidents. A
 *  failure to list them fails no round: it is an event, and the next round tries again. */
async function pruneSnapshots(deps: RoundDeps, records: NodeRecord[]): Promise<{ records: NodeRecord[]; events: HealthEvent[] }> {
  const store = deps.actions.snapshots;
  if (!store) return { records, events: [] };
  const keepDays = deps.recoverySnapshotDays ?? DEFAULT_RECOVERY_SNAPSHOT_DAYS;
  const now = deps.clock();
  try {
    return recordPrunes(records, await pruneRecoverySnapshots(store, now, keepDays), now, keepDays);
  } catch (err) {
    return { records, events: [{ type: "snapshots.deleted", at: now, hostname: "fleet", ok: false,
      message: `recovery snapshots not listed: ${err instanceof Error ? err.message : String(err)}; tried again next round` }] };
  }
}

/** The second probe path of the round's nodes. A node with a second address (its IPv6)
 *  is asked there for an SSH key exchange verified against the pinned key: the pinned key
 *  is alive, no answer is down, another key confirms nothing. A node without one, or
 *  without a pinned key, is judged by what the provider sees of its server (its status
 *  and the packets it sends); without the provider nothing is confirmed. */
export function secondPathOf(targets: readonly HealthTarget[], timeoutMs: number, machines: MachineOperations | undefined,
  identify: typeof readServerIdentity = readServerIdentity): (hostname: string) => Promise<SecondOpinion> {
  const byHost = new Map(targets.map((t) => [t.hostname, t]));
  return async (hostname) => {
    const resolved = byHost.get(hostname)?.resolved;
    if (resolved && !("problem" in resolved) && resolved.secondAddress && resolved.hostKey) {
      const where = `its second address ${resolved.secondAddress}`;
      const seen = await identify(resolved.secondAddress, NODE_PORTS.ssh, timeoutMs).catch((err: unknown) => err as Error);
      if (seen instanceof ForgedSignatureError) return { unsure: `${where} ${seen.message}` };
      if (seen instanceof Error) return { down: `no verified SSH answer on ${where} either (${escapeControl(seen.message)})` };
      return sameHostKey(seen.hostKey, resolved.hostKey)
        ? { alive: `the node answers on ${where} with the pinned host key (verified key exchange)` }
        : { unsure: `${where} presents another host key (${seen.fingerprint})` };
    }
    if (!machines) return { unsure: "the node has no second address and no Hetzner token is set to ask the provider" };
    return machines.activity(hostname).then(judgeServerActivity,
      (err: unknown) => ({ unsure: `Hetzner's view of the server could not be read: ${err instanceof Error ? err.message : String(err)}` }));
  };
}
