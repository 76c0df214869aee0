import { correlationId } from "../plan/correlation";
import type { HealthEvent, IncidentKind } from "../events/health-event";
import { HISTORY_LIMIT, type Incident, type NodeRecord } from "./model";
import type { Safeguards } from "./safeguards";
import type { CheckResult, HealthTarget } from "./types";

/** What one round saw of one node. */
export interface Observation {
  readonly target: HealthTarget;
  readonly checks: readonly CheckResult[];
}

const MINUTE = 60_000;
/** Doubt about who answers (a changed or forged identity, refused credentials)
 *  outranks a node being down, which outranks a certificate: while it lasts, the
 *  ladder, which hands the node secrets, never runs. */
const PRIORITY: readonly IncidentKind[] = ["host_key_changed", "auth_failed", "down", "certificate"];
const FAULT_KIND = { "host-key": "host_key_changed", auth: "auth_failed", down: "down", certificate: "certificate" } as const;

/** A record for a node seen for the first time: its grace period runs from its
 *  creation when that is known, else from now. */
export function newRecord(target: HealthTarget, now: number, s: Safeguards): NodeRecord {
  const created = "address" in target.resolved && target.resolved.created ? Date.parse(target.resolved.created) : now;
  return { hostname: target.hostname, state: "pending_setup", generation: target.generation,
    graceUntil: created + s.graceMinutes * MINUTE, consecutiveFailures: 0, history: [], actions: [] };
}

/** Updates a node's record with one round of checks: failure counting, grace,
 *  incidents opened, superseded and resolved. Recovery is decided afterwards, over
 *  the whole fleet (see recovery-plan.ts). Pure. */
export function observe(prev: NodeRecord, obs: Observation, now: number, s: Safeguards): { record: NodeRecord; events: HealthEvent[] } {
  const events: HealthEvent[] = [];
  let r: NodeRecord = { ...prev, lastCheckAt: now };
  if (obs.target.generation > r.generation) {
    r = { ...r, generation: obs.target.generation, state: "force_rebuild", graceUntil: now + s.graceMinutes * MINUTE,
      consecutiveFailures: 0, firstFailureAt: undefined };
  }
  const failed = obs.checks.filter((c) => !c.ok);
  const kinds = new Set(failed.flatMap((c) => (c.fault && c.fault !== "unresolved" ? [FAULT_KIND[c.fault]] : [])));
  const seen = failed.map((c) => `${c.name}: ${c.detail}`);
  const close = (incident: Incident, status: "resolved" | "failed", note: string) => {
    const closed = { ...incident, status, closedAt: now, seen: [...incident.seen, note], nextStepAt: undefined };
    events.push(event(closed, status === "resolved" ? "incident.resolved" : "incident.failed", obs.target.hostname, now, note));
    r = { ...r, incident: undefined, history: [...r.history, closed].slice(-HISTORY_LIMIT) };
  };
  const open = (kind: IncidentKind) => {
    const incident: Incident = { id: `${obs.target.hostname}@${new Date(now).toISOString()}`,
      correlationId: correlationId(obs.target.hostname, r.generation), kind, status: "detected", openedAt: now, seen, attempts: [] };
    r = { ...r, incident, state: "error" };
    events.push(event(incident, "incident.detected", obs.target.hostname, now, `${kind.replace(/_/g, " ")}: ${seen.join("; ")}`));
  };

  if (failed.length === 0) {
    // A rebuilt node answers every check with an empty disk: without its data back it
    // is not recovered, and a person restores it or falls back to the snapshot.
    const unrestored = r.incident?.attempts.at(-1)?.unrestored === true;
    if (r.incident && unrestored) {
      close(r.incident, "failed", `the node answers, but its data was not restored (${r.incident.attempts.at(-1)!.detail}); ` +
        `restore it with \`fleet restore ${obs.target.hostname}\`; a person must act (see the runbook)`);
    } else if (r.incident) close(r.incident, "resolved", r.incident.status === "failed" ? "healthy again after recovery had failed" : "all checks pass");
    // A new node's grace ends at its first success; a bumped rebuild's does not, since
    // the old server answers until the deployment replaces it.
    const rebuilding = r.state === "force_rebuild" && now < r.graceUntil;
    const graceUntil = r.state === "pending_setup" ? Math.min(r.graceUntil, now) : r.graceUntil;
    return { record: { ...r, state: obs.target.maintenance ? "maintenance" : rebuilding ? "force_rebuild" : "ready", consecutiveFailures: 0,
      firstFailureAt: undefined, lastSuccessAt: now, graceUntil }, events };
  }
  if (obs.target.maintenance) return { record: { ...r, state: "maintenance" }, events };
  if (kinds.size === 0) return { record: r, events };

  const counting = kinds.has("down") && now >= r.graceUntil;
  if (counting) r = { ...r, consecutiveFailures: r.consecutiveFailures + 1, firstFailureAt: r.firstFailureAt ?? now };
  else if (!kinds.has("down")) r = { ...r, consecutiveFailures: 0, firstFailureAt: undefined };
  const confirmed = counting && r.consecutiveFailures >= s.failures && now - r.firstFailureAt! >= s.failureMinutes * MINUTE;
  const wanted = PRIORITY.find((k) => kinds.has(k) && (k !== "down" || confirmed || r.incident?.kind === "down"));

  if (r.incident && !kinds.has(r.incident.kind)) close(r.incident, "resolved", `${r.incident.kind.replace(/_/g, " ")} no longer seen`);
  if (r.incident && wanted && PRIORITY.indexOf(wanted) < PRIORITY.indexOf(r.incident.kind)) close(r.incident, "resolved", `superseded by ${wanted}`);
  if (!r.incident && wanted) open(wanted);
  if (r.incident) return { record: { ...r, state: r.state === "provisioning" ? "provisioning" : "error" }, events };
  const waiting = r.state === "pending_setup" || r.state === "force_rebuild";
  return { record: { ...r, state: waiting && now < r.graceUntil ? r.state : "failing" }, events };
}

export function event(incident: Incident, type: HealthEvent["type"], hostname: string, at: number, message: string): HealthEvent {
  return { type, at, hostname, message, incidentId: incident.id, correlationId: incident.correlationId, kind: incident.kind };
}
