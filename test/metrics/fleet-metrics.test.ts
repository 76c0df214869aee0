import { describe, expect, it } from "vitest";
import type { RoundReport, NodeReport } from "../../src/health/monitor";
import { certificateDaysLeft, FleetMetrics } from "../../src/metrics/fleet-metrics";
import { parseExposition, valueOf } from "./exposition";

const A = "prd-sha-het-de-fsn1-001";
const B = "prd-sha-het-de-fsn1-002";
const at = "2026-11-22T06:00:00.000Z";

const healthy: NodeReport = { hostname: A, healthy: true, state: "ready", consecutiveFailures: 0, checks: [
  { name: "tcp:22", ok: true, detail: "open", ms: 12 },
  { name: "tls:443", ok: true, detail: "64 days left (2027-01-25)", ms: 40 },
] };
const down: NodeReport = { hostname: B, healthy: false, state: "error", consecutiveFailures: 4, checks: [
  { name: "tcp:22", ok: false, detail: "timed out", ms: 5000, fault: "down" },
  { name: "tls:10000", ok: false, detail: "certificate expired 3 days ago (2026-11-19)", ms: 30, fault: "certificate" },
], incident: { id: `${B}@${at}`, kind: "down", status: "recovering", attempts: 1 } };

function round(nodes: NodeReport[], events: RoundReport["events"] = [], checkedAt = at): RoundReport {
  return { checkedAt, stack: "prd", healthy: nodes.every((n) => n.healthy), nodes, events, notifications: { sent: 0, suppressed: 0, errors: [] } };
}

async function scrape(metrics: FleetMetrics) {
  return parseExposition(await metrics.registry.metrics());
}

describe("fleet metrics", () => {
  it("exposes each node up or down", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy, down]));
    const m = await scrape(metrics);
    expect([valueOf(m, "node_fleet_node_up", { node: A }), valueOf(m, "node_fleet_node_up", { node: B })]).toEqual([1, 0]);
    expect(valueOf(m, "node_fleet_nodes_unhealthy")).toBe(1);
  });

  it("exposes each check's result and its latency in seconds", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy, down]));
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_check_success", { node: B, check: "tcp:22" })).toBe(0);
    expect(valueOf(m, "node_fleet_check_duration_seconds", { node: A, check: "tcp:22" })).toBe(0.012);
    expect(valueOf(m, "node_fleet_check_duration_seconds", { node: B, check: "tcp:22" })).toBe(5);
  });

  it("exposes the time left on each certificate in seconds, negative once expired", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy, down]));
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_tls_certificate_expiry_seconds", { node: A, port: "443" })).toBe(64 * 86_400);
    expect(valueOf(m, "node_fleet_tls_certificate_expiry_seconds", { node: B, port: "10000" })).toBe(-3 * 86_400);
  });

  it("exposes the age of the last off-node backup and when it finished", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy]), [{ hostname: A, ok: false, detail: "old", lastSuccessAt: "2026-11-21T03:00:00.000Z", ageHours: 27 }]);
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_backup_age_seconds", { node: A })).toBe(27 * 3600);
    expect(valueOf(m, "node_fleet_backup_last_success_timestamp_seconds", { node: A })).toBe(Date.parse("2026-11-21T03:00:00Z") / 1000);
  });

  it("exposes the open incident and the nodes per state", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy, down]));
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_incident_open", { node: B, kind: "down", status: "recovering" })).toBe(1);
    expect(valueOf(m, "node_fleet_nodes", { state: "ready" })).toBe(1);
    expect(valueOf(m, "node_fleet_nodes", { state: "error" })).toBe(1);
    expect(valueOf(m, "node_fleet_nodes", { state: "pending_setup" })).toBe(0);
  });

  it("counts recovery actions by step and result across rounds", async () => {
    const metrics = new FleetMetrics();
    const step = { type: "recovery.step" as const, at: Date.parse(at), hostname: B, message: "re-provisioned", step: "reprovision" as const, ok: true };
    metrics.observe(round([down], [step]));
    metrics.observe(round([down], [step, { ...step, step: "power_cycle", ok: false }]));
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_recovery_actions_total", { node: B, step: "reprovision", result: "ok" })).toBe(2);
    expect(valueOf(m, "node_fleet_recovery_actions_total", { node: B, step: "power_cycle", result: "failed" })).toBe(1);
    expect(valueOf(m, "node_fleet_health_rounds_total")).toBe(2);
  });

  it("drops the series of a node that left the fleet", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy, down]));
    metrics.observe(round([healthy], [], "2026-11-22T06:01:00.000Z"));
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_node_up", { node: B })).toBeUndefined();
    expect(valueOf(m, "node_fleet_incident_open", { node: B, kind: "down", status: "recovering" })).toBeUndefined();
    expect(valueOf(m, "node_fleet_health_round_timestamp_seconds")).toBe(Date.parse("2026-11-22T06:01:00Z") / 1000);
  });

  it("follows Prometheus naming: node_fleet_ prefix, a HELP and TYPE each, _total on counters only, seconds as the unit", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([healthy, down]));
    const families = [...(await scrape(metrics)).values()];
    expect(families.length).toBeGreaterThan(10);
    for (const f of families) {
      expect(f.name).toMatch(/^node_fleet_[a-z_]+$/);
      expect(f.help).toMatch(/\S/);
      expect(f.name.endsWith("_total")).toBe(f.type === "counter");
      expect(f.name).not.toMatch(/_(ms|milliseconds|days|hours|minutes)(_|$)/);
    }
  });

  it("escapes a hostile check name in label values", async () => {
    const metrics = new FleetMetrics();
    metrics.observe(round([{ ...healthy, checks: [{ name: 'x"}\nnode_fleet_node_up{node="forged"} 1', ok: true, detail: "", ms: 1 }] }]));
    const m = await scrape(metrics);
    expect(valueOf(m, "node_fleet_node_up", { node: "forged" })).toBeUndefined();
    expect(valueOf(m, "node_fleet_check_success", { node: A, check: 'x"}\nnode_fleet_node_up{node="forged"} 1' })).toBe(1);
  });
});

describe("certificateDaysLeft", () => {
  it("reads the days from the TLS checks' details and nothing else", () => {
    expect(certificateDaysLeft("tls:443", "64 days left (2027-01-25)")).toBe(64);
    expect(certificateDaysLeft("tls:443", "certificate expires in 5 days (2026-11-27); renew it")).toBe(5);
    expect(certificateDaysLeft("tls:10000", "certificate expired 3 days ago (2026-11-19)")).toBe(-3);
    expect(certificateDaysLeft("tls:443", "connection refused")).toBeUndefined();
    expect(certificateDaysLeft("ssh", "64 days left (")).toBeUndefined();
  });
});
