import { createHash } from "node:crypto";
import { PHASES } from "../automation/phases";
import type { NodeRecord } from "../health/model";
import { costToDateEur, sumEur } from "../plan/cost";
import type { NodePlan } from "../plan/node-plan";
import type { AuditRecord, DashboardSources, RoundDocument } from "./sources";

/** How a tile is coloured: `ok` every check passed; `failing` checks fail, no incident
 *  confirmed yet; `down` an incident is open; `pending` new, rebuilt or being recovered;
 *  `maintenance` set so in fleet.yaml; `unknown` never checked. */
export const HEALTHS = ["ok", "failing", "down", "pending", "maintenance", "unknown"] as const;
export type Health = (typeof HEALTHS)[number];

/** The filters of the node list, each a field of NodeView. */
export const FILTERS = ["environment", "type", "provider", "country", "health"] as const;

export interface PhaseView {
  readonly label: string;
  readonly state: "not run" | "running" | "succeeded" | "failed";
  readonly startedAt?: string;
  readonly durationSeconds?: number;
}

/** One node as every source knows it. */
export interface NodeView {
  readonly plan: NodePlan;
  readonly health: Health;
  readonly state?: string;
  readonly lastCheckAt?: string;
  readonly checks: RoundDocument["nodes"][number]["checks"];
  readonly incident?: NonNullable<NodeRecord["incident"]>;
  readonly closedIncidents: number;
  readonly outputs?: { readonly ipv4?: string; readonly ipv6?: string; readonly serverId?: string; readonly hostKeyFingerprint?: string };
  readonly backup?: { readonly ok: boolean; readonly detail: string; readonly lastSuccessAt?: string };
  readonly deployment?: { readonly operation: string; readonly correlationId: string; readonly phases: readonly PhaseView[]; readonly log: readonly string[] };
  readonly createdAt?: string;
  readonly costToDateEur?: number;
  /** The commands that act on this node, exactly as typed. */
  readonly commands: readonly string[];
}

export interface DashboardModel {
  readonly stack: string;
  readonly generatedAt: string;
  readonly cards: { readonly total: number; readonly active: number; readonly pending: number; readonly failed: number;
    readonly maintenance: number; readonly monthlyCostEur: number };
  readonly nodes: readonly NodeView[];
  readonly notes: readonly string[];
}

const LOG_TAIL = 20;

/** Joins the sources node by node. Pure: the time is an input. */
export function buildDashboard(sources: DashboardSources, now: Date): DashboardModel {
  const records = new Map(sources.records.map((r) => [r.hostname, r]));
  const round = new Map((sources.round?.nodes ?? []).map((n) => [n.hostname, n]));
  const backups = sources.round?.backups && "ages" in sources.round.backups ? new Map(sources.round.backups.ages.map((a) => [a.hostname, a])) : new Map();
  const outputs = "nodes" in sources.outputs ? sources.outputs.nodes : undefined;
  const audit = groupByNode(sources.audit);
  const nodes = sources.plans.map((plan): NodeView => {
    const record = records.get(plan.hostname);
    const checked = round.get(plan.hostname);
    const out = outputs?.[plan.hostname];
    const backup = backups.get(plan.hostname);
    const events = audit.get(plan.hostname) ?? [];
    const createdAt = events.filter((e) => e.type === "phase.succeeded" && e.phase === "serverCreated").at(-1)?.time;
    const lastCheckAt = record?.lastCheckAt !== undefined ? new Date(record.lastCheckAt).toISOString() : undefined;
    return {
      plan,
      health: healthOf(plan, record),
      ...(record ? { state: record.state } : {}),
      ...(lastCheckAt ? { lastCheckAt } : {}),
      checks: checked?.checks ?? [],
      ...(record?.incident ? { incident: record.incident } : {}),
      closedIncidents: record?.history.length ?? 0,
      ...(out ? { outputs: {
        ...(out.ipv4 ? { ipv4: out.ipv4 } : {}), ...(out.ipv6 ? { ipv6: out.ipv6 } : {}), ...(out.serverId ? { serverId: out.serverId } : {}),
        ...(out.hostPublicKey ? { hostKeyFingerprint: hostKeyFingerprint(out.hostPublicKey) } : {}),
      } } : {}),
      ...(backup ? { backup: { ok: backup.ok, detail: backup.detail, ...(backup.lastSuccessAt ? { lastSuccessAt: backup.lastSuccessAt } : {}) } } : {}),
      ...lastDeployment(events, sources.audit),
      ...(createdAt ? { createdAt, costToDateEur: costToDateEur(new Date(createdAt), now, plan.hourlyCostEur, plan.monthlyCostEur) } : {}),
      commands: commandsFor(plan, sources.stack),
    };
  });
  const count = (...h: Health[]) => nodes.filter((n) => h.includes(n.health)).length;
  return {
    stack: sources.stack,
    generatedAt: now.toISOString(),
    cards: { total: nodes.length, active: count("ok"), pending: count("pending", "unknown"), failed: count("failing", "down"),
      maintenance: count("maintenance"), monthlyCostEur: sumEur(nodes.map((n) => n.plan.monthlyCostEur)) },
    nodes,
    notes: sources.notes,
  };
}

/** The tile colour: fleet.yaml's maintenance first (it is never acted on), then the
 *  health record's state (src/health/model.ts NODE_STATES). */
export function healthOf(plan: NodePlan, record: NodeRecord | undefined): Health {
  if (plan.status === "maintenance") return "maintenance";
  if (!record || record.lastCheckAt === undefined) return "unknown";
  switch (record.state) {
    case "ready": return "ok";
    case "failing": return "failing";
    case "error": return "down";
    case "maintenance": return "maintenance";
    default: return "pending";
  }
}

/** `SHA256:…` of an `ssh-ed25519 AAAA…` line, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(line: string): string | undefined {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob) return undefined;
  return `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}

/** The commands an operator runs on this node (docs/operations.md, docs/backups.md). */
export function commandsFor(plan: NodePlan, stack: string): string[] {
  const h = plan.hostname;
  return [
    `fleet health --stack ${stack}`,
    `fleet reprovision ${h} --stack ${stack}`,
    `fleet rebuild ${h} --stack ${stack}`,
    `fleet restore ${h} --stack ${stack} --drill`,
    `fleet restore ${h} --stack ${stack}`,
  ];
}

function groupByNode(audit: readonly AuditRecord[]): Map<string, AuditRecord[]> {
  const byNode = new Map<string, AuditRecord[]>();
  for (const e of audit) {
    if (e.node === undefined) continue;
    const list = byNode.get(e.node) ?? [];
    list.push(e);
    byNode.set(e.node, list);
  }
  return byNode;
}

/** The node's last deployment: the operation of its newest phase record, its phases in
 *  order with their durations, and the tail of that operation's records as log lines. */
function lastDeployment(events: readonly AuditRecord[], all: readonly AuditRecord[]): Pick<NodeView, "deployment"> {
  const last = events.filter((e) => e.type.startsWith("phase.")).at(-1);
  if (!last) return {};
  const own = events.filter((e) => e.correlationId === last.correlationId && e.type.startsWith("phase."));
  const phases = PHASES.map(({ id, label }): PhaseView => {
    const seen = own.filter((e) => e.phase === id);
    const started = seen.find((e) => e.type === "phase.started") ?? seen[0];
    const end = seen.filter((e) => e.type !== "phase.started").at(-1);
    const state = end ? (end.type === "phase.failed" ? "failed" : "succeeded") : started ? "running" : "not run";
    return { label, state, ...(started ? { startedAt: started.time } : {}), ...(end?.durationSeconds !== undefined ? { durationSeconds: end.durationSeconds } : {}) };
  });
  const log = all.filter((e) => e.correlationId === last.correlationId && (e.node === undefined || e.node === last.node)).slice(-LOG_TAIL)
    .map((e) => [e.time, e.type, e.phase ?? e.operation, e.durationSeconds !== undefined ? `${e.durationSeconds}s` : "", e.message ?? ""]
      .filter((part) => part !== "").join(" "));
  return { deployment: { operation: last.operation, correlationId: last.correlationId, phases, log } };
}
