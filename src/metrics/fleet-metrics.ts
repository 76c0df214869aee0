import { Counter, Gauge, Registry } from "prom-client";
import type { BackupAge } from "../backup/ages";
import type { RoundReport } from "../health/monitor";
import { NODE_STATES } from "../health/model";

/** What `fleet health --watch --metrics-port` exposes, updated after every round.
 *  Names follow Prometheus's conventions (prometheus.io/docs/practices/naming): the
 *  `node_fleet_` prefix, base units (seconds), `_total` on counters only. Per-node
 *  gauges are cleared before each round is written, so a node gone from the fleet
 *  leaves no series behind. */
export class FleetMetrics {
  readonly registry = new Registry();
  private readonly up = this.gauge("node_fleet_node_up", "1 when every check of the node passed in the last round, else 0.", ["node"]);
  private readonly state = this.gauge("node_fleet_node_state", "1 for the node's current state (pending_setup, ready, failing, error, …).", ["node", "state"]);
  private readonly check = this.gauge("node_fleet_check_success", "1 when the check passed in the last round, else 0.", ["node", "check"]);
  private readonly latency = this.gauge("node_fleet_check_duration_seconds", "Wall time of the check in the last round.", ["node", "check"]);
  private readonly tls = this.gauge("node_fleet_tls_certificate_expiry_seconds", "Time left until the certificate on the port expires (negative: expired).", ["node", "port"]);
  private readonly backupAge = this.gauge("node_fleet_backup_age_seconds", "Age of the node's last good off-node backup when the round ran.", ["node"]);
  private readonly backupAt = this.gauge("node_fleet_backup_last_success_timestamp_seconds", "Unix time the node's last good off-node backup finished.", ["node"]);
  private readonly incident = this.gauge("node_fleet_incident_open", "1 while the node has an open incident of this kind and status.", ["node", "kind", "status"]);
  private readonly nodes = this.gauge("node_fleet_nodes", "Nodes of the stack by state.", ["state"]);
  private readonly unhealthy = this.gauge("node_fleet_nodes_unhealthy", "Nodes of the stack that failed a check in the last round.", []);
  private readonly roundAt = this.gauge("node_fleet_health_round_timestamp_seconds", "Unix time of the last health round.", []);
  private readonly rounds = new Counter({ name: "node_fleet_health_rounds_total", help: "Health rounds run.", registers: [this.registry] });
  private readonly actions = new Counter({ name: "node_fleet_recovery_actions_total", help: "Recovery steps taken, by node, step and result.",
    labelNames: ["node", "step", "result"], registers: [this.registry] });

  /** Writes one round (and the off-node backups it read, when the stack has them). */
  observe(report: RoundReport, backups?: readonly BackupAge[]): void {
    for (const g of [this.up, this.state, this.check, this.latency, this.tls, this.backupAge, this.backupAt, this.incident, this.nodes]) g.reset();
    const at = Date.parse(report.checkedAt);
    const byState = new Map<string, number>(NODE_STATES.map((s) => [s, 0]));
    for (const node of report.nodes) {
      this.up.set({ node: node.hostname }, node.healthy ? 1 : 0);
      this.state.set({ node: node.hostname, state: node.state }, 1);
      byState.set(node.state, (byState.get(node.state) ?? 0) + 1);
      for (const c of node.checks) {
        this.check.set({ node: node.hostname, check: c.name }, c.ok ? 1 : 0);
        this.latency.set({ node: node.hostname, check: c.name }, c.ms / 1000);
        const days = certificateDaysLeft(c.name, c.detail);
        if (days !== undefined) this.tls.set({ node: node.hostname, port: c.name.slice("tls:".length) }, days * 86_400);
      }
      if (node.incident) this.incident.set({ node: node.hostname, kind: node.incident.kind, status: node.incident.status }, 1);
    }
    for (const [state, count] of byState) this.nodes.set({ state }, count);
    this.unhealthy.set(report.nodes.filter((n) => !n.healthy).length);
    for (const b of backups ?? []) {
      if (b.lastSuccessAt === undefined) continue;
      const finished = Date.parse(b.lastSuccessAt);
      this.backupAt.set({ node: b.hostname }, finished / 1000);
      this.backupAge.set({ node: b.hostname }, Math.max(0, (at - finished) / 1000));
    }
    for (const e of report.events) {
      if (e.type === "recovery.step" && e.step) this.actions.inc({ node: e.hostname, step: e.step, result: e.ok ? "ok" : "failed" });
    }
    this.roundAt.set(at / 1000);
    this.rounds.inc();
  }

  private gauge(name: string, help: string, labelNames: readonly string[]): Gauge {
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }
}

/** Days left on a TLS check's certificate, read from the detail src/health/check-node.ts
 *  writes (`N days left (…)`, `certificate expires in N days (…)`, `certificate expired
 *  N days ago (…)`); undefined for other checks and for a port that gave no certificate. */
export function certificateDaysLeft(check: string, detail: string): number | undefined {
  if (!check.startsWith("tls:")) return undefined;
  const left = /^(\d+) days left \(|^certificate expires in (\d+) days \(/.exec(detail);
  if (left) return Number(left[1] ?? left[2]);
  const ago = /^certificate expired (\d+) days ago \(/.exec(detail);
  return ago ? -Number(ago[1]) : undefined;
}
