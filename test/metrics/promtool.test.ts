import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { NodeReport, RoundReport } from "../../src/health/monitor";
import { FleetMetrics } from "../../src/metrics/fleet-metrics";

// Prometheus's own rules for the exposition: `promtool check metrics` (Debian's
// prometheus package) parses the text with the server's parser and lints it (names,
// units, counter suffixes, HELP), exiting 0 with no output when every rule holds.
const A = "prd-sha-het-de-fsn1-001";
const B = "prd-sha-het-de-fsn1-002";
const at = "2026-11-22T06:00:00.000Z";

function promtool(exposition: string): { code: number | null; output: string } {
  const run = spawnSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
  if (run.error) throw run.error;
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A round that fills every family: a node up with a certificate and a backup, a node down
 *  with an incident and a recovery step, and a check name full of the format's own syntax. */
function everyFamily(): FleetMetrics {
  const up: NodeReport = { hostname: A, healthy: true, state: "ready", consecutiveFailures: 0, checks: [
    { name: "tls:443", ok: true, detail: "64 days left (2027-01-25)", ms: 40 },
    { name: 'x"}\n\\ node_fleet_node_up{node="forged"} 1', ok: true, detail: "", ms: 1 },
  ] };
  const down: NodeReport = { hostname: B, healthy: false, state: "error", consecutiveFailures: 4,
    checks: [{ name: "tcp:22", ok: false, detail: "timed out", ms: 5000, fault: "down" }],
    incident: { id: `${B}@${at}`, kind: "down", status: "recovering", attempts: 1 } };
  const report: RoundReport = { checkedAt: at, stack: "prd", healthy: false, nodes: [up, down],
    events: [{ type: "recovery.step", at: Date.parse(at), hostname: B, message: "re-provisioned", step: "reprovision", ok: true }],
    notifications: { sent: 0, suppressed: 0, errors: [] } };
  const metrics = new FleetMetrics();
  metrics.observe(report, [{ hostname: A, ok: true, detail: "last off-node backup 2.0 h ago", lastSuccessAt: at, ageHours: 2 }]);
  return metrics;
}

describe("the /metrics exposition by Prometheus's own rules", () => {
  it("passes promtool check metrics with every family filled", async () => {
    const text = await everyFamily().registry.metrics();
    expect(text).toContain("node_fleet_recovery_actions_total{");
    expect(text).toContain("node_fleet_backup_age_seconds{");
    expect(text).toContain("node_fleet_incident_open{");
    expect(promtool(text)).toEqual({ code: 0, output: "" });
  });

  it("is checked by a promtool that rejects a counter without _total and a unit abbreviated (the check really checks)", () => {
    const run = promtool("# HELP node_fleet_steps Steps.\n# TYPE node_fleet_steps counter\nnode_fleet_steps 1\n" +
      "# HELP node_fleet_check_ms Check time.\n# TYPE node_fleet_check_ms gauge\nnode_fleet_check_ms 3\n");
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('node_fleet_steps counter metrics should have "_total" suffix');
    expect(run.output).toContain("node_fleet_check_ms metric names should not contain abbreviated units");
  });
});
