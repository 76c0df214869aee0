import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { parseMarker } from "./markers";
import { nodeResourceOf } from "./urn";

/** The phases of a node's deployment (seed 000 "Deployment Progress"), in order, with the
 *  audit action seed 000 names for each. `baseConfigured` is the playbook's base and
 *  hardening roles, which seed 000 folds into provisioning. */
export const PHASES = [
  { id: "serverCreated", label: "Server created", action: "node_deployment_provisioned" },
  { id: "dnsConfigured", label: "DNS configured", action: "node_deployment_dns_configured" },
  { id: "baseConfigured", label: "Base system configured", action: "node_deployment_base_configured" },
  { id: "panelInstalled", label: "Panel installed", action: "node_deployment_panel_installed" },
  { id: "backupsConfigured", label: "Backups configured", action: "node_deployment_backups_configured" },
  { id: "validated", label: "Validated", action: "node_deployment_validated" },
  { id: "registered", label: "Registered", action: "node_deployment_registered" },
] as const;
export type PhaseId = (typeof PHASES)[number]["id"];
export type PhaseState = "running" | "succeeded" | "failed";

/** Resource roles (HostingNode name suffixes) whose steps make up a phase. */
const RESOURCE_PHASES: Readonly<Record<string, PhaseId>> = {
  server: "serverCreated", a: "dnsConfigured", aaaa: "dnsConfigured", "rdns-v4": "dnsConfigured",
  "rdns-v6": "dnsConfigured", register: "registered",
};
/** Playbook roles (ansible/site.yml) whose markers make up a phase. */
const ROLE_PHASES: Readonly<Record<string, PhaseId>> = {
  common: "baseConfigured", security: "baseConfigured", virtualmin: "panelInstalled",
  backup: "backupsConfigured", validate: "validated",
};
const PROVISION_ROLE = "provision";
/** Steps that do work on a resource; `same`, reads, refreshes and deletes are no phase. */
const WORKING_OPS: ReadonlySet<OpType> = new Set<OpType>(["create", "update", "replace", "create-replacement"]);

/** One phase of one node as it stands. */
export interface PhaseProgress {
  readonly hostname: string;
  readonly phase: PhaseId;
  readonly label: string;
  readonly state: PhaseState;
  /** ISO time of the first step or marker of the phase: engine event time, which is Unix
   *  seconds (pulumi sdk/go/common/apitype/events.go EngineEvent.Timestamp). */
  readonly startedAt: string;
  /** Set once the phase has ended. */
  readonly durationSeconds?: number;
  /** Why it failed, when the engine said. */
  readonly message?: string;
}

interface OpenPhase {
  readonly startedAt: number;
  endedAt: number;
  state: PhaseState;
  message?: string;
  readonly members: Map<string, "running" | "done">;
}

/** Turns engine events into per-node phases. A phase ends when a later phase of the same
 *  node begins or the operation ends, so phases made of several steps (four DNS records,
 *  two base roles) end once, at the time their last step ended. A failure ends a phase
 *  at once. `onChange` sees every start and end. */
export class PhaseTracker {
  private readonly nodes = new Map<string, Map<PhaseId, OpenPhase>>();
  /** The engine's last error message per resource, to say why a phase failed. */
  private readonly errors = new Map<string, string>();
  /** When each node's provisioning step began: the first role's phase includes the wait
   *  for SSH and cloud-init before the playbook's first marker. */
  private readonly provisionStart = new Map<string, number>();
  /** Operations per node, from the engine's steps (for previews and summaries). */
  readonly operations = new Map<string, Map<OpType, number>>();

  constructor(private readonly onChange: (progress: PhaseProgress) => void = () => undefined) {}

  handle(event: EngineEvent): void {
    const pre = event.resourcePreEvent?.metadata;
    const done = event.resOutputsEvent?.metadata;
    const failed = event.resOpFailedEvent?.metadata;
    const diag = event.diagnosticEvent;
    // A preview's steps are plans (pulumi pkg/engine/update.go previewActions emits them
    // with planning set): they count as planned operations but nothing ran, so no phase.
    if (event.resourcePreEvent?.planning || event.resOutputsEvent?.planning) {
      if (pre) this.count(pre.urn, pre.op);
      return;
    }
    if (pre) this.onStep(pre.urn, pre.op, event.timestamp);
    else if (done) this.onStepDone(done.urn, done.op, event.timestamp);
    else if (failed) this.onStepFailed(failed.urn, event.timestamp);
    else if (diag?.urn) this.onOutput(diag.urn, diag.message, diag.severity, event.timestamp);
  }

  /** Ends every open phase: succeeded if the operation did, failed otherwise. */
  finish(succeeded: boolean, at: number): void {
    for (const [hostname, phases] of this.nodes) {
      for (const [id, phase] of phases) {
        if (phase.state !== "running") continue;
        const allDone = [...phase.members.values()].every((m) => m === "done");
        if (!allDone) phase.endedAt = at;
        this.end(hostname, id, phase, succeeded ? "succeeded" : "failed");
      }
    }
  }

  /** Every phase seen, node by node in phase order. */
  progress(): PhaseProgress[] {
    const order = (id: PhaseId) => PHASES.findIndex((p) => p.id === id);
    return [...this.nodes.entries()].sort(([a], [b]) => a.localeCompare(b)).flatMap(([hostname, phases]) =>
      [...phases.entries()].sort(([a], [b]) => order(a) - order(b)).map(([id, p]) => this.view(hostname, id, p)));
  }

  private count(urn: string, op: OpType): void {
    const where = nodeResourceOf(urn);
    if (!where || where.role === "" || op === "same") return;
    const ops = this.operations.get(where.hostname) ?? new Map<OpType, number>();
    ops.set(op, (ops.get(op) ?? 0) + 1);
    this.operations.set(where.hostname, ops);
  }

  private onStep(urn: string, op: OpType, at: number): void {
    this.count(urn, op);
    const where = nodeResourceOf(urn);
    if (!where || where.role === "") return;
    if (where.role === PROVISION_ROLE && WORKING_OPS.has(op)) this.provisionStart.set(where.hostname, at);
    const phase = RESOURCE_PHASES[where.role];
    if (phase && WORKING_OPS.has(op)) this.memberStarted(where.hostname, phase, urn, at);
  }

  private onStepDone(urn: string, op: OpType, at: number): void {
    const where = nodeResourceOf(urn);
    const phase = where && RESOURCE_PHASES[where.role];
    if (where && phase && WORKING_OPS.has(op)) this.memberDone(where.hostname, phase, urn, at);
  }

  private onStepFailed(urn: string, at: number): void {
    const where = nodeResourceOf(urn);
    if (!where) return;
    const phases = this.nodes.get(where.hostname);
    if (where.role === PROVISION_ROLE) {
      const roleEntries = [...(phases?.entries() ?? [])].filter(([id]) => isRolePhase(id));
      if (roleEntries.some(([, p]) => p.state === "failed")) return;
      // Without a role marker the playbook never started (SSH, host key, time limit):
      // that is the first provisioning phase failing, from the step's start.
      const running = roleEntries.find(([, p]) => p.state === "running");
      const [id, phase] = running ??
        ["baseConfigured" as PhaseId, this.open(where.hostname, "baseConfigured", this.provisionStart.get(where.hostname) ?? at)];
      phase.endedAt = at;
      phase.message ??= this.errors.get(urn);
      this.end(where.hostname, id, phase, "failed");
      return;
    }
    const id = RESOURCE_PHASES[where.role];
    const phase = id && phases?.get(id);
    if (id && phase && phase.state === "running") {
      phase.endedAt = at;
      phase.message ??= this.errors.get(urn);
      this.end(where.hostname, id, phase, "failed");
    }
  }

  private onOutput(urn: string, message: string, severity: string, at: number): void {
    if (severity === "error") this.errors.set(urn, message.trim());
    const where = nodeResourceOf(urn);
    if (where?.role !== PROVISION_ROLE) return;
    for (const line of message.split("\n")) {
      const marker = parseMarker(line);
      const phase = marker && ROLE_PHASES[marker.role];
      if (!marker || !phase) continue;
      const first = phase === "baseConfigured" && !this.nodes.get(where.hostname)?.has(phase);
      const startedAt = first ? this.provisionStart.get(where.hostname) ?? at : at;
      if (marker.state === "started") this.memberStarted(where.hostname, phase, marker.role, startedAt);
      else if (marker.state === "succeeded") this.memberDone(where.hostname, phase, marker.role, at);
      else {
        const open = this.nodes.get(where.hostname)?.get(phase) ?? this.open(where.hostname, phase, at);
        open.endedAt = at;
        open.message = `role ${marker.role} failed`;
        this.end(where.hostname, phase, open, "failed");
      }
    }
  }

  private memberStarted(hostname: string, id: PhaseId, member: string, at: number): void {
    const phases = this.nodes.get(hostname);
    const existing = phases?.get(id);
    // A later phase beginning ends the earlier ones whose steps are all done.
    for (const [otherId, other] of phases ?? []) {
      if (otherId !== id && other.state === "running" && isBefore(otherId, id) &&
        [...other.members.values()].every((m) => m === "done")) this.end(hostname, otherId, other, "succeeded");
    }
    const phase = existing ?? this.open(hostname, id, at);
    if (phase.state === "running") phase.members.set(member, "running");
  }

  private memberDone(hostname: string, id: PhaseId, member: string, at: number): void {
    const phase = this.nodes.get(hostname)?.get(id);
    if (!phase || phase.state !== "running") return;
    phase.members.set(member, "done");
    phase.endedAt = Math.max(phase.endedAt, at);
  }

  private open(hostname: string, id: PhaseId, at: number): OpenPhase {
    const phases = this.nodes.get(hostname) ?? new Map<PhaseId, OpenPhase>();
    this.nodes.set(hostname, phases);
    const phase: OpenPhase = { startedAt: at, endedAt: at, state: "running", members: new Map() };
    phases.set(id, phase);
    this.onChange(this.view(hostname, id, phase));
    return phase;
  }

  private end(hostname: string, id: PhaseId, phase: OpenPhase, state: "succeeded" | "failed"): void {
    phase.state = state;
    this.onChange(this.view(hostname, id, phase));
  }

  private view(hostname: string, id: PhaseId, p: OpenPhase): PhaseProgress {
    return {
      hostname, phase: id, label: PHASES.find((d) => d.id === id)!.label, state: p.state,
      startedAt: new Date(p.startedAt * 1000).toISOString(),
      ...(p.state !== "running" ? { durationSeconds: p.endedAt - p.startedAt } : {}),
      ...(p.message ? { message: p.message } : {}),
    };
  }
}

function isRolePhase(id: PhaseId): boolean {
  return Object.values(ROLE_PHASES).includes(id);
}

function isBefore(a: PhaseId, b: PhaseId): boolean {
  return PHASES.findIndex((p) => p.id === a) < PHASES.findIndex((p) => p.id === b);
}

/** Seed 000's audit action for a phase. */
export function phaseAction(id: PhaseId): string {
  return PHASES.find((p) => p.id === id)!.action;
}
