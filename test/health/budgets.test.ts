import { describe, expect, it } from "vitest";
import type { RecoveryActions } from "../../src/health/recovery";
import type { CheckResult } from "../../src/health/types";
import { DOWN, MINUTE, recordingActions, Simulation, target, UP } from "./scenario";

const A = "stg-sha-het-de-fsn1-001";
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Recording actions that also note when each ran. */
function timedActions(sim: () => Simulation) {
  const { actions } = recordingActions();
  const log: { what: string; at: number }[] = [];
  const note = <T extends unknown[]>(what: string, fn: (...a: T) => Promise<string>) => (...a: T) => {
    log.push({ what, at: sim().now });
    return fn(...a);
  };
  const timed: RecoveryActions = {
    nodes: { reprovision: note("reprovision", actions.nodes!.reprovision), rebuild: note("rebuild", actions.nodes!.rebuild) },
    machines: { ...actions.machines!, powerCycle: note("powerCycle", actions.machines!.powerCycle) },
    secondPath: actions.secondPath!,
  };
  return { timed, log };
}

/** The most actions of one kind inside any window of `span` ending at an action. */
function busiestWindow(log: { what: string; at: number }[], what: string, span: number): number {
  const times = log.filter((l) => l.what === what).map((l) => l.at);
  return Math.max(0, ...times.map((t) => times.filter((u) => u > t - span && u <= t).length));
}

describe("a node that flaps for a week", () => {
  it("gets at most 3 re-provisions and 1 power-cycle in any day and 1 rebuild in the week", async () => {
    let sim: Simulation;
    const { timed, log } = timedActions(() => sim);
    sim = new Simulation([target(A, { autoRebuild: true })], timed);
    // Every hour: 45 minutes dead on every port, 15 minutes healthy; a round every 5 minutes.
    for (let hour = 0; hour < 7 * 24; hour++) {
      await sim.rounds(9, { [A]: DOWN }, 5);
      await sim.rounds(3, { [A]: UP }, 5);
    }
    expect(busiestWindow(log, "reprovision", DAY)).toBe(3);
    expect(busiestWindow(log, "powerCycle", DAY)).toBe(1);
    expect(log.filter((l) => l.what === "rebuild")).toHaveLength(1);
    expect(log.filter((l) => l.what === "powerCycle").length).toBeGreaterThanOrEqual(6);
    expect(sim.record(A).actions.every((a) => a.at > sim.now - 7 * DAY)).toBe(true);
  }, 60_000);

  it("without budgets would have been reset every hour (what the budgets prevent)", async () => {
    let sim: Simulation;
    const { timed, log } = timedActions(() => sim);
    const unlimited = { reprovisionsPerDay: 1e9, powerCyclesPerDay: 1e9, rebuildsPerWeek: 1e9, fleetDestructivePerDay: 1e9 };
    sim = new Simulation([target(A, { autoRebuild: true })], timed, { safeguards: { budgets: unlimited } });
    for (let hour = 0; hour < 24; hour++) {
      await sim.rounds(9, { [A]: DOWN }, 5);
      await sim.rounds(3, { [A]: UP }, 5);
    }
    expect(log.filter((l) => l.what === "powerCycle").length).toBeGreaterThan(20);
  }, 60_000);
});

describe("the fleet-wide budget", () => {
  it("allows 3 power-cycles and rebuilds a day across the fleet", async () => {
    const hosts = ["001", "002", "003", "004", "005"].map((n) => `stg-sha-het-de-fsn1-${n}`);
    let sim: Simulation;
    const { timed, log } = timedActions(() => sim);
    sim = new Simulation(hosts.map((h) => target(h)), timed, { safeguards: { maxUnhealthyShare: 1 } });
    await sim.rounds(12 * 20, Object.fromEntries(hosts.map((h) => [h, DOWN])), 5);
    expect(log.filter((l) => l.what === "powerCycle")).toHaveLength(3);
    expect(hosts.map((h) => sim.record(h).incident!.held ?? "").filter((h) => h.includes("fleet budget"))).toHaveLength(2);
  }, 60_000);
});

describe("a node that still answers", () => {
  const check = (name: string, ok: boolean, fault?: CheckResult["fault"]): CheckResult => ({ name, ok, detail: ok ? "ok" : "refused", ms: 1, ...(fault ? { fault } : {}) });
  // SSH completed a verified key exchange; the web ports are dead (or held up by someone in the path).
  const SSH_ONLY: CheckResult[] = [check("tcp:22", true), check("ssh", true), check("tcp:443", false, "down"), check("tls:443", false, "down")];

  it("is never power-cycled while its SSH completes a verified key exchange: the incident goes to a person", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await sim.rounds(40, { [A]: SSH_ONLY }, 5);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident).toMatchObject({ status: "failed" });
    expect(sim.record(A).incident!.seen.at(-1)).toMatch(/^not power-cycle: the node still answers on some path this round/);
  });

  it("stops the ladder when the panel refuses the node's own credentials", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await sim.rounds(4, { [A]: DOWN }, 5);
    expect(calls).toEqual([`reprovision ${A}`]);
    const refused = [...UP, check("virtualmin-api", false, "auth")];
    const events = await sim.round({ [A]: refused }, 5);
    expect(events.map((e) => [e.type, e.kind])).toEqual([["incident.resolved", "down"], ["incident.detected", "auth_failed"]]);
    await sim.rounds(40, { [A]: [...DOWN, check("virtualmin-api", false, "auth")] }, 5);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident!.kind).toBe("auth_failed");
  });
});

describe("provisioning that meets another host key (exit 76)", () => {
  it("stops the ladder at once: no power-cycle, the incident goes to a person", async () => {
    const { calls, actions } = recordingActions({ reprovision: "identity refused: stg-sha-het-de-fsn1-001 presented a host key that is not the pinned one (provisioning exit 76)" });
    const sim = new Simulation([target(A)], actions);
    await sim.rounds(40, { [A]: DOWN }, 5);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident).toMatchObject({ status: "failed" });
    expect(sim.record(A).incident!.seen.at(-1)).toMatch(/^ladder stopped: identity refused: .* \(provisioning exit 76\); the server was replaced or someone is in the middle/);
  });
});
