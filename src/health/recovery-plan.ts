import { ACTION_MEMORY_MS, budgetExceeded, DEFAULT_BUDGETS, DESTRUCTIVE } from "./budgets";
import { STEPS, type HealthEvent, type Step } from "../events/health-event";
import { IDENTITY_REFUSED, type NodeRecord } from "./model";
import type { Safeguards } from "./safeguards";
import { event } from "./node-round";
import type { HealthTarget } from "./types";

/** A recovery step to run now. */
export interface PlannedStep {
  readonly hostname: string;
  readonly incidentId: string;
  readonly correlationId: string;
  readonly step: Step;
}

export interface RecoveryInput {
  readonly records: readonly NodeRecord[];
  /** The nodes checked this round (by hostname). */
  readonly targets: ReadonlyMap<string, HealthTarget>;
  readonly now: number;
  readonly safeguards: Safeguards;
  /** Recovery acts only when asked (`--heal`). */
  readonly heal: boolean;
  /** Steps that cannot run here, with the reason (e.g. not connected yet). */
  readonly unavailable: Partial<Record<Step, string>>;
  /** Nodes that answered on no path this round (every check failed). Only these may be
   *  power-cycled or rebuilt: a node whose SSH completed a verified key exchange, or
   *  that answers on any other port, is not dead, and a reset would not be a repair. */
  readonly unreachable: ReadonlySet<string>;
}

const MINUTE = 60_000;

/** How many nodes may be unhealthy for recovery to act: a share of the checked
 *  fleet, at least one (Cluster API MachineHealthCheck `maxUnhealthy`). */
export function unhealthyAllowance(checked: number, share: number): number {
  return Math.max(1, Math.floor(checked * share));
}

/** The steps of a node's ladder: re-provision, then for unprotected nodes a
 *  power-cycle, and a rebuild only for nodes that opted in. A protected node (every
 *  prd node) is never hard-reset nor rebuilt by recovery. */
export function ladder(target: HealthTarget, unavailable: Partial<Record<Step, string>>): Step[] {
  return STEPS.filter((step) => (step === "reprovision" || !target.protect) && (step !== "rebuild" || target.autoRebuild) && !unavailable[step]);
}

/** Decides which recovery steps run this round. When more of the fleet looks dead
 *  than the allowance, nothing is done: the fault is more likely on our side (the
 *  checker's network, DNS, the provider) and repairs would make it worse. Pure. */
export function planRecovery(input: RecoveryInput): { records: NodeRecord[]; steps: PlannedStep[]; events: HealthEvent[] } {
  const { now, safeguards: s } = input;
  const events: HealthEvent[] = [];
  const steps: PlannedStep[] = [];
  const active = input.records.filter((r) => input.targets.has(r.hostname) && !input.targets.get(r.hostname)!.maintenance);
  const dead = active.filter((r) => r.consecutiveFailures > 0 || r.incident?.kind === "down" && r.incident.status !== "failed");
  const allowance = unhealthyAllowance(active.length, s.maxUnhealthyShare);
  let hold: string | undefined = !input.heal ? "recovery is off (run with --heal)" : undefined;
  if (input.heal && dead.length > allowance) {
    hold = `${dead.length} of ${active.length} nodes look dead, more than the ${allowance} allowed (${Math.round(s.maxUnhealthyShare * 100)}%): ` +
      "suspecting the checker's side, doing nothing";
    events.push({ type: "fleet.held", at: now, hostname: "fleet", message: hold });
  }
  let inFlight = active.filter((r) => r.incident?.status === "recovering").length;
  const budgets = s.budgets ?? DEFAULT_BUDGETS;
  let plannedDestructive = 0;

  const records = input.records.map((r): NodeRecord => {
    const target = input.targets.get(r.hostname);
    const incident = r.incident;
    if (!target || target.maintenance || !incident || incident.kind !== "down" || incident.status === "failed") return r;
    if (hold) return { ...r, incident: { ...incident, held: hold } };
    if (incident.nextStepAt !== undefined && now < incident.nextStepAt) return r;
    const { held: _, ...unheld } = incident;
    const available = ladder(target, input.unavailable);
    // The next rung above the last one tried, so a step that becomes available or
    // unavailable between runs (a token set or removed) does not shift the ladder.
    const last = incident.attempts.at(-1)?.step;
    const next = available.find((step) => STEPS.indexOf(step) > (last ? STEPS.indexOf(last) : -1));
    const refused = incident.attempts.find((a) => !a.ok && a.detail.startsWith(IDENTITY_REFUSED));
    if (refused) {
      const note = `ladder stopped: ${refused.detail}; the server was replaced or someone is in the middle: a person must act (see the runbook)`;
      const failed = { ...unheld, status: "failed" as const, seen: [...incident.seen, note], nextStepAt: undefined };
      events.push(event(failed, "incident.failed", r.hostname, now, note));
      inFlight -= incident.status === "recovering" ? 1 : 0;
      return { ...r, state: "error", incident: failed };
    }
    if (incident.attempts.length >= s.maxAttempts || next === undefined) {
      const tried = incident.attempts.map((a) => a.step).join(", ") || "nothing";
      const skipped = STEPS.filter((st) => !available.includes(st)).map((st) => `${st} (${skipReason(st, target, input.unavailable)})`);
      const note = `recovery failed after ${tried}${skipped.length ? `; not tried: ${skipped.join(", ")}` : ""}; a person must act (see the runbook)`;
      const failed = { ...unheld, status: "failed" as const, seen: [...incident.seen, note], nextStepAt: undefined };
      events.push(event(failed, "incident.failed", r.hostname, now, note));
      inFlight -= incident.status === "recovering" ? 1 : 0;
      return { ...r, state: "error", incident: failed };
    }
    if (DESTRUCTIVE.has(next) && !input.unreachable.has(r.hostname)) {
      const note = `not ${next.replace("_", "-")}: the node still answers on some path this round (a verified SSH key exchange or another port), ` +
        "so it is not dead and a reset would not repair it; a person must act (see the runbook)";
      const failed = { ...unheld, status: "failed" as const, seen: [...incident.seen, note], nextStepAt: undefined };
      events.push(event(failed, "incident.failed", r.hostname, now, note));
      inFlight -= incident.status === "recovering" ? 1 : 0;
      return { ...r, state: "error", incident: failed };
    }
    const overBudget = budgetExceeded(r, next, input.records, plannedDestructive, now, budgets);
    if (overBudget) return { ...r, incident: { ...incident, held: `${next.replace("_", "-")} waits: ${overBudget}` } };
    if (incident.status !== "recovering" && inFlight >= allowance) {
      return { ...r, incident: { ...incident, held: `${inFlight} nodes are already being recovered (at most ${allowance} at once)` } };
    }
    if (DESTRUCTIVE.has(next)) plannedDestructive++;
    if (incident.status !== "recovering") inFlight++;
    const recovering = { ...unheld, status: "recovering" as const };
    steps.push({ hostname: r.hostname, incidentId: incident.id, correlationId: incident.correlationId, step: next });
    events.push(event(recovering, "incident.recovering", r.hostname, now, `step ${incident.attempts.length + 1}: ${next.replace("_", "-")}`));
    return { ...r, state: "provisioning", incident: recovering };
  });
  return { records, steps, events };
}

/** Records a step's outcome and when the next may run: after the backoff, which
 *  doubles with each step, whether this one worked or not (a failing provider API
 *  must not race the ladder up to a rebuild). A rebuilt node gets a fresh grace. */
export function recordOutcome(r: NodeRecord, step: Step, ok: boolean, detail: string, now: number, s: Safeguards, unrestored = false): NodeRecord {
  if (!r.incident) return r;
  const attempts = [...r.incident.attempts, { step, at: now, ok, detail, ...(unrestored ? { unrestored: true as const } : {}) }];
  const nextStepAt = now + s.backoffMinutes * MINUTE * 2 ** (attempts.length - 1);
  return {
    ...r,
    actions: [...r.actions.filter((a) => a.at > now - ACTION_MEMORY_MS), { step, at: now }],
    ...(step === "rebuild" && ok ? { graceUntil: now + s.graceMinutes * MINUTE, consecutiveFailures: 0, firstFailureAt: undefined } : {}),
    incident: { ...r.incident, attempts, nextStepAt },
  };
}

/** A step that did not start (the stack was locked) is no attempt: the incident stays on
 *  its rung and tries again after one backoff. */
export function deferStep(r: NodeRecord, now: number, s: Safeguards): NodeRecord {
  if (!r.incident) return r;
  return { ...r, incident: { ...r.incident, nextStepAt: now + s.backoffMinutes * MINUTE } };
}

function skipReason(step: Step, target: HealthTarget, unavailable: Partial<Record<Step, string>>): string {
  if (unavailable[step]) return unavailable[step]!;
  if (target.protect) return "the node is protected";
  if (step === "rebuild") return "autoRebuild is not set";
  return "ladder exhausted";
}
