import { describe, expect, it } from "vitest";
import { correlationId } from "../../src/plan/correlation";
import { CERT_EXPIRING, DOWN, KEY_CHANGED, MINUTE, recordingActions, Simulation, target, T0, UP } from "./scenario";

const A = "prd-sha-het-de-fsn1-001";
const fresh = (over = {}) => target(A, { resolved: { address: "127.12.3.1", created: new Date(T0).toISOString() }, ...over });

describe("grace period", () => {
  it("does not count failures of a node created less than the grace period ago", async () => {
    const sim = new Simulation([fresh()], recordingActions().actions);
    await sim.rounds(40, { [A]: DOWN });
    expect(sim.record(A)).toMatchObject({ state: "pending_setup", consecutiveFailures: 0 });
    await sim.round({ [A]: DOWN });
    expect(sim.record(A)).toMatchObject({ state: "failing", consecutiveFailures: 1 });
  });

  it("ends the grace period at the first healthy check", async () => {
    const sim = new Simulation([fresh()], recordingActions().actions);
    await sim.round({ [A]: UP });
    await sim.round({ [A]: DOWN });
    expect(sim.record(A)).toMatchObject({ state: "failing", consecutiveFailures: 1 });
  });

  it("starts a new grace period when the node's rebuild counter is bumped", async () => {
    const sim = new Simulation([target(A, { generation: 1 })], recordingActions().actions);
    sim.records = [{ hostname: A, state: "ready", generation: 0, graceUntil: 0, consecutiveFailures: 0, history: [], actions: [] }];
    await sim.round({ [A]: DOWN });
    expect(sim.record(A)).toMatchObject({ state: "force_rebuild", generation: 1, consecutiveFailures: 0, graceUntil: T0 + 40 * MINUTE });
  });

  it("keeps the grace of a bumped rebuild while the old server still answers", async () => {
    const sim = new Simulation([target(A, { generation: 1 })], recordingActions().actions);
    sim.records = [{ hostname: A, state: "ready", generation: 0, graceUntil: 0, consecutiveFailures: 0, history: [], actions: [] }];
    await sim.rounds(2, { [A]: UP });
    await sim.rounds(10, { [A]: DOWN }, 3);
    expect(sim.record(A)).toMatchObject({ state: "force_rebuild", consecutiveFailures: 0 });
    expect(sim.record(A).incident).toBeUndefined();
    await sim.rounds(4, { [A]: UP }, 3);
    expect(sim.record(A).state).toBe("ready");
  });

  it("takes the grace period from the server's creation time when it is known", async () => {
    const sim = new Simulation([fresh({ resolved: { address: "127.12.3.1", created: new Date(T0 - 39 * MINUTE).toISOString() } })], recordingActions().actions);
    await sim.round({ [A]: DOWN });
    await sim.round({ [A]: DOWN });
    expect(sim.record(A).consecutiveFailures).toBe(1);
  });
});

describe("confirming an incident", () => {
  it("opens an incident after 3 consecutive failures spanning at least 5 minutes", async () => {
    const sim = new Simulation([target(A)], recordingActions().actions, { heal: false });
    await sim.rounds(3, { [A]: DOWN }, 2.5);
    expect(sim.record(A).state).toBe("error");
    expect(sim.events.filter((e) => e.type === "incident.detected")).toEqual([expect.objectContaining({
      hostname: A, kind: "down", incidentId: `${A}@2026-11-22T06:05:00.000Z`, correlationId: correlationId(A, 0),
      message: "down: tcp:22: refused; ssh: refused" })]);
  });

  it("waits for the minutes even after enough failed rounds", async () => {
    const sim = new Simulation([target(A)], recordingActions().actions, { heal: false });
    await sim.rounds(6, { [A]: DOWN }, 0.5);
    expect(sim.record(A)).toMatchObject({ state: "failing", consecutiveFailures: 6 });
    await sim.rounds(5, { [A]: DOWN }, 0.5);
    expect(sim.record(A).incident?.status).toBe("detected");
  });

  it("starts counting again after a healthy round", async () => {
    const sim = new Simulation([target(A)], recordingActions().actions, { heal: false });
    await sim.rounds(2, { [A]: DOWN }, 3);
    await sim.round({ [A]: UP }, 3);
    await sim.rounds(2, { [A]: DOWN }, 3);
    expect(sim.record(A)).toMatchObject({ state: "failing", consecutiveFailures: 2 });
  });

  it("opens a host key incident at once and never acts on it, even with --heal", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await sim.rounds(30, { [A]: KEY_CHANGED }, 5);
    expect(sim.record(A)).toMatchObject({ state: "error", incident: { kind: "host_key_changed", status: "detected", attempts: [] } });
    expect(calls).toEqual([]);
  });

  it("lets a changed host key supersede a down incident and stops its recovery", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await sim.rounds(4, { [A]: DOWN }, 2.5);
    expect(calls).toEqual([`reprovision ${A}`]);
    const webDown = { name: "tcp:80", ok: false, detail: "refused", ms: 1, fault: "down" as const };
    await sim.rounds(20, { [A]: [...KEY_CHANGED, webDown] }, 5);
    expect(sim.record(A).incident).toMatchObject({ kind: "host_key_changed" });
    expect(sim.record(A).history.at(-1)).toMatchObject({ kind: "down", status: "resolved", seen: expect.arrayContaining(["superseded by host_key_changed"]) });
    expect(calls).toEqual([`reprovision ${A}`]);
  });

  it("opens a certificate incident that only notifies", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await sim.rounds(10, { [A]: CERT_EXPIRING }, 5);
    expect(sim.record(A).incident).toMatchObject({ kind: "certificate", status: "detected" });
    expect(calls).toEqual([]);
  });

  it("keeps a node in maintenance silent: no counting, no incident, no action", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A, { maintenance: true })], actions);
    await sim.rounds(20, { [A]: DOWN }, 5);
    expect(sim.record(A)).toMatchObject({ state: "maintenance", consecutiveFailures: 0 });
    expect(sim.record(A).incident).toBeUndefined();
    expect(sim.events).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("marks a node that left the fleet file as decommissioned", async () => {
    const sim = new Simulation([target(A), target("prd-sha-het-de-fsn1-002")], recordingActions().actions);
    await sim.round({ [A]: UP, "prd-sha-het-de-fsn1-002": UP });
    await sim.round({ [A]: UP });
    expect(sim.record("prd-sha-het-de-fsn1-002").state).toBe("decommissioned");
  });

  it("resolves an incident when every check passes again", async () => {
    const sim = new Simulation([target(A)], recordingActions().actions, { heal: false });
    await sim.rounds(3, { [A]: DOWN }, 2.5);
    const events = await sim.round({ [A]: UP });
    expect(sim.record(A)).toMatchObject({ state: "ready", consecutiveFailures: 0 });
    expect(sim.record(A).history).toEqual([expect.objectContaining({ status: "resolved", closedAt: T0 + 7.5 * MINUTE })]);
    expect(events.map((e) => e.type)).toEqual(["incident.resolved"]);
  });
});
