import { describe, expect, it } from "vitest";
import type { IncidentKind } from "../../src/events/health-event";
import type { NodeRecord } from "../../src/health/model";
import { deferStep, planRecovery, recordOutcome, type RecoveryInput } from "../../src/health/recovery-plan";
import { DEFAULT_SAFEGUARDS } from "../../src/health/safeguards";
import type { HealthTarget } from "../../src/health/types";
import { target } from "./scenario";

// planRecovery on its own, round by round: which nodes count as active and as dead for
// the fleet-wide hold (a network fault on the checker's side must never heal the whole
// fleet), and how many recoveries may run at once. DEFAULT_SAFEGUARDS: a quarter of the
// active nodes, at least one.
const NOW = Date.parse("2026-12-03T10:00:00Z");
const host = (i: number) => `prd-sha-het-de-fsn1-${String(i).padStart(3, "0")}`;

function healthy(hostname: string): NodeRecord {
  return { hostname, state: "ready", generation: 0, graceUntil: 0, consecutiveFailures: 0, history: [], actions: [] };
}

/** A node whose incident is open: failing this round unless `failures` says otherwise. */
function withIncident(hostname: string, status: "detected" | "recovering" | "failed", kind: IncidentKind = "down", failures = 3): NodeRecord {
  return { ...healthy(hostname), state: "failing", consecutiveFailures: failures,
    incident: { id: `${hostname}@2026-12-03T09:50:00.000Z`, correlationId: `c-${hostname}`, kind, status, openedAt: NOW - 600_000, seen: ["tcp:22"],
      attempts: status === "recovering" ? [{ step: "reprovision", at: NOW - 3_600_000, ok: false, detail: "ansible failed" }] : [] } };
}

function plan(records: NodeRecord[], over: Partial<RecoveryInput> = {}, targets: HealthTarget[] = records.map((r) => target(r.hostname))) {
  return planRecovery({ records, targets: new Map(targets.map((t) => [t.hostname, t])), now: NOW, safeguards: DEFAULT_SAFEGUARDS, heal: true,
    unavailable: {}, unreachable: new Set(records.map((r) => r.hostname)), ...over });
}

/** Eight nodes, the first `down` of them with a confirmed down incident: the allowance is 2. */
function fleetOfEight(down: number): NodeRecord[] {
  return Array.from({ length: 8 }, (_, i) => (i < down ? withIncident(host(i + 1), "detected") : healthy(host(i + 1))));
}

describe("the fleet-wide hold", () => {
  it("acts when as many nodes look dead as the allowance (2 of 8)", () => {
    expect(plan(fleetOfEight(2)).steps.map((s) => [s.hostname, s.step])).toEqual([[host(1), "reprovision"], [host(2), "reprovision"]]);
  });

  it("does nothing anywhere when one more looks dead, holds every incident and says why once", () => {
    const { steps, events, records } = plan(fleetOfEight(3));
    const why = "3 of 8 nodes look dead, more than the 2 allowed (25%): suspecting the checker's side, doing nothing";
    expect(steps).toEqual([]);
    expect(events).toEqual([{ type: "fleet.held", at: NOW, hostname: "fleet", message: why }]);
    expect(records.slice(0, 3).map((r) => r.incident!.held)).toEqual([why, why, why]);
  });

  it("counts a node failing its rounds as dead before any incident is open", () => {
    const records = fleetOfEight(2);
    records[7] = { ...records[7]!, state: "failing", consecutiveFailures: 1 };
    expect(plan(records).steps).toEqual([]);
  });

  it("counts an open down incident as dead even on a round the node passed", () => {
    const records = fleetOfEight(2);
    records[7] = withIncident(host(8), "recovering", "down", 0);
    expect(plan(records).events.map((e) => e.type)).toEqual(["fleet.held"]);
  });

  it("does not count a failed incident, nor an incident of another kind, on a node that passes its checks", () => {
    const records = fleetOfEight(2);
    records[6] = withIncident(host(7), "failed", "down", 0);
    records[7] = withIncident(host(8), "detected", "host_key_changed", 0);
    expect(plan(records).steps.map((s) => s.hostname)).toEqual([host(1), host(2)]);
  });

  it("counts only active nodes: a node in maintenance or gone from the fleet is neither dead nor part of the share", () => {
    // Four active nodes allow one dead; counted, the two failing ones outside would make 2 of 6 (allowance 1): a hold.
    const records = [withIncident(host(1), "detected"), healthy(host(2)), healthy(host(3)), healthy(host(4)),
      withIncident(host(5), "detected"), withIncident(host(6), "detected")];
    const targets = [...records.slice(0, 4).map((r) => target(r.hostname)), target(host(5), { maintenance: true })];
    const { steps, records: after } = plan(records, {}, targets);
    expect(steps.map((s) => s.hostname)).toEqual([host(1)]);
    expect(after.slice(4)).toEqual(records.slice(4));
  });

  it("shrinks the share with the active fleet: 4 active nodes of 8 allow one dead, not two", () => {
    const records = fleetOfEight(2);
    const targets = records.map((r, i) => target(r.hostname, { maintenance: i >= 4 }));
    expect(plan(records, {}, targets).events.map((e) => e.type)).toEqual(["fleet.held"]);
  });

  it("without --heal acts on nothing and says so on each open incident, with no fleet hold", () => {
    const { steps, events, records } = plan(fleetOfEight(1), { heal: false });
    expect([steps, events]).toEqual([[], []]);
    expect(records[0]!.incident!.held).toBe("recovery is off (run with --heal)");
  });
});

describe("recoveries at once", () => {
  it("starts no new recovery while the allowance of nodes is already being recovered, whatever their incidents' kind", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering", "host_key_changed", 0);
    records[1] = withIncident(host(2), "recovering", "auth_failed", 0);
    records[2] = withIncident(host(3), "detected");
    const { steps, records: after } = plan(records);
    expect(steps).toEqual([]);
    expect(after[2]!.incident!.held).toBe("2 nodes are already being recovered (at most 2 at once)");
  });

  it("goes on with a recovery already running when the allowance is used up", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering", "host_key_changed", 0);
    records[1] = withIncident(host(2), "recovering");
    expect(plan(records).steps.map((s) => [s.hostname, s.step])).toEqual([[host(2), "power_cycle"]]);
  });

  it("starts new recoveries in one round only up to the allowance", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering", "certificate", 0);
    records[1] = withIncident(host(2), "detected");
    records[2] = withIncident(host(3), "detected");
    const { steps, records: after } = plan(records);
    expect(steps.map((s) => s.hostname)).toEqual([host(2)]);
    expect(after[2]!.incident!.held).toBe("2 nodes are already being recovered (at most 2 at once)");
  });

  it("lets a recovery that goes on keep its one place: a new node may still take the second", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering");
    records[1] = withIncident(host(2), "detected");
    expect(plan(records).steps.map((s) => [s.hostname, s.step])).toEqual([[host(1), "power_cycle"], [host(2), "reprovision"]]);
  });

  it("frees the place of a recovery whose ladder is used up this round", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering");
    records[0] = { ...records[0]!, incident: { ...records[0]!.incident!, attempts: ["reprovision", "power_cycle", "rebuild"]
      .map((step) => ({ step: step as "reprovision", at: NOW - 3_600_000, ok: false, detail: "no answer" })) } };
    records[1] = withIncident(host(2), "recovering", "certificate", 0);
    records[2] = withIncident(host(3), "detected");
    const { steps, records: after } = plan(records);
    expect(after[0]!.incident!.status).toBe("failed");
    expect(steps.map((s) => s.hostname)).toEqual([host(3)]);
  });

  it("frees the place of a recovery stopped because the node refused its identity", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering");
    records[0] = { ...records[0]!, incident: { ...records[0]!.incident!, attempts: [
      { step: "reprovision", at: NOW - 3_600_000, ok: false, detail: "identity refused: the host presented another key" }] } };
    records[1] = withIncident(host(2), "recovering", "certificate", 0);
    records[2] = withIncident(host(3), "detected");
    expect(plan(records).steps.map((s) => s.hostname)).toEqual([host(3)]);
  });

  it("frees the place of a recovery stopped because the node still answers and a reset would not repair it", () => {
    const records = fleetOfEight(0);
    records[0] = withIncident(host(1), "recovering");
    records[1] = withIncident(host(2), "recovering", "certificate", 0);
    records[2] = withIncident(host(3), "detected");
    const { steps, records: after } = plan(records, { unreachable: new Set([host(3)]) });
    expect(after[0]!.incident!.status).toBe("failed");
    expect(steps.map((s) => s.hostname)).toEqual([host(3)]);
  });

  it("frees no place when an incident that was not being recovered fails", () => {
    const records = fleetOfEight(0);
    records[0] = { ...withIncident(host(1), "detected"), incident: { ...withIncident(host(1), "detected").incident!, attempts: [
      { step: "reprovision", at: NOW - 3_600_000, ok: false, detail: "identity refused: the host presented another key" }] } };
    records[1] = withIncident(host(2), "recovering", "certificate", 0);
    records[2] = withIncident(host(3), "recovering", "auth_failed", 0);
    records[3] = withIncident(host(4), "detected");
    const { steps, records: after } = plan(records);
    expect(steps).toEqual([]);
    expect(after[3]!.incident!.held).toBe("2 nodes are already being recovered (at most 2 at once)");
  });

  it("counts only power-cycles and rebuilds planned this round against the fleet's daily budget of three, not re-provisions", () => {
    const records = Array.from({ length: 16 }, (_, i) => healthy(host(i + 1)));
    for (const i of [0, 1, 2]) records[i] = withIncident(host(i + 1), "detected");
    records[3] = withIncident(host(4), "recovering");
    expect(plan(records).steps.map((s) => s.step)).toEqual(["reprovision", "reprovision", "reprovision", "power_cycle"]);
  });
});


describe("after a step", () => {
  const WEEK = 7 * 86_400_000;

  it("gives a rebuilt node a fresh grace and clears its failures, only when the rebuild worked", () => {
    const r = withIncident(host(1), "recovering");
    expect(recordOutcome(r, "rebuild", true, "rebuilt", NOW, DEFAULT_SAFEGUARDS))
      .toMatchObject({ graceUntil: NOW + 40 * 60_000, consecutiveFailures: 0, firstFailureAt: undefined });
    expect(recordOutcome(r, "rebuild", false, "API error", NOW, DEFAULT_SAFEGUARDS)).toMatchObject({ graceUntil: 0, consecutiveFailures: 3 });
    expect(recordOutcome(r, "reprovision", true, "done", NOW, DEFAULT_SAFEGUARDS)).toMatchObject({ graceUntil: 0, consecutiveFailures: 3 });
  });

  it("remembers the step among the node's actions and forgets actions a week old", () => {
    const r = { ...withIncident(host(1), "recovering"), actions: [{ step: "power_cycle" as const, at: NOW - WEEK }, { step: "reprovision" as const, at: NOW - WEEK + 1 }] };
    expect(recordOutcome(r, "reprovision", true, "done", NOW, DEFAULT_SAFEGUARDS).actions)
      .toEqual([{ step: "reprovision", at: NOW - WEEK + 1 }, { step: "reprovision", at: NOW }]);
  });

  it("leaves a node without an open incident as it is", () => {
    const r = healthy(host(1));
    expect(recordOutcome(r, "reprovision", true, "done", NOW, DEFAULT_SAFEGUARDS)).toBe(r);
    expect(deferStep(r, NOW, DEFAULT_SAFEGUARDS)).toBe(r);
  });

  it("puts off a step that did not start by one backoff, recording no attempt", () => {
    const r = withIncident(host(1), "recovering");
    expect(deferStep(r, NOW, DEFAULT_SAFEGUARDS)).toEqual({ ...r, incident: { ...r.incident!, nextStepAt: NOW + 10 * 60_000 } });
  });
});
