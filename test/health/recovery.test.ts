import { describe, expect, it } from "vitest";
import { correlationId } from "../../src/plan/correlation";
import { unhealthyAllowance } from "../../src/health/recovery-plan";
import { DOWN, MINUTE, recordingActions, Simulation, target, T0, UP } from "./scenario";

const A = "prd-sha-het-de-fsn1-001";
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `prd-sha-het-de-fsn1-${String(i + 1).padStart(3, "0")}`);
const results = (hosts: string[], down: string[]) => Object.fromEntries(hosts.map((h) => [h, down.includes(h) ? DOWN : UP]));

/** Confirms A's incident (3 rounds, 5 minutes) and lets recovery take its first step. */
async function confirmed(sim: Simulation, hosts = [A], down = [A]) {
  await sim.rounds(3, results(hosts, down), 2.5);
}

describe("the recovery ladder", () => {
  it("re-provisions first, power-cycles after the backoff, and fails without opt-in to a rebuild", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await confirmed(sim);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A)).toMatchObject({ state: "provisioning", incident: { status: "recovering", nextStepAt: T0 + 5 * MINUTE + 10 * MINUTE } });
    await sim.rounds(4, { [A]: DOWN }, 2.5);
    expect(calls).toEqual([`reprovision ${A}`, `powerCycle ${A}`]);
    await sim.rounds(8, { [A]: DOWN }, 2.5);
    expect(calls).toHaveLength(2);
    expect(sim.record(A)).toMatchObject({ state: "error", incident: { status: "failed" } });
    expect(sim.record(A).incident!.seen.at(-1)).toBe(
      "recovery failed after reprovision, power_cycle; not tried: rebuild (autoRebuild is not set); a person must act (see the runbook)");
  });

  it("doubles the wait before each next step", async () => {
    const { actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], actions);
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    const [first, second, third] = sim.record(A).incident!.attempts;
    expect([first!.step, second!.step, third!.step]).toEqual(["reprovision", "power_cycle", "rebuild"]);
    // Rounds come every minute, so a step runs in the first round at or after its time.
    expect((second!.at - first!.at) / MINUTE).toBe(10.5);
    expect((third!.at - second!.at) / MINUTE).toBe(20);
  });

  it("rebuilds an opted-in node only after a completed snapshot", async () => {
    const { calls, contexts, actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], actions);
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    expect(calls).toEqual([`reprovision ${A}`, `powerCycle ${A}`, `snapshot ${A}`, `rebuild ${A}`]);
    const incidentId = sim.record(A).incident!.id;
    expect(contexts).toEqual([{ incidentId, correlationId: correlationId(A, 0) }, { incidentId, correlationId: correlationId(A, 0) }]);
  });

  it("never rebuilds when the snapshot fails", async () => {
    const { calls, actions } = recordingActions({ snapshot: "HTTP 403 forbidden: token is read-only" });
    const sim = new Simulation([target(A, { autoRebuild: true })], actions);
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    expect(calls).not.toContain(`rebuild ${A}`);
    expect(sim.record(A).incident!.attempts.at(-1)).toMatchObject({ step: "rebuild", ok: false,
      detail: "not rebuilt: the snapshot before the rebuild failed: HTTP 403 forbidden: token is read-only" });
  });

  it("never hard-resets nor rebuilds a protected node, even one that opted in", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true, protect: true })], actions);
    await confirmed(sim);
    await sim.rounds(60, { [A]: DOWN }, 1);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident!.seen.at(-1)).toContain("not tried: power_cycle (the node is protected), rebuild (the node is protected)");
  });

  it("never rebuilds a server whose provider-side rebuild protection is on", async () => {
    const { calls, actions } = recordingActions({}, true);
    const sim = new Simulation([target(A, { autoRebuild: true })], actions);
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    expect(calls).toEqual([`reprovision ${A}`, `powerCycle ${A}`]);
    expect(sim.record(A).incident!.attempts.at(-1)!.detail).toBe("not rebuilt: the server has rebuild protection on at the provider");
  });

  it("stops at the configured number of attempts", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], actions, { safeguards: { maxAttempts: 1 } });
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident!.status).toBe("failed");
  });

  it("resolves the incident when a step helped, and takes no further step", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions);
    await confirmed(sim);
    await sim.rounds(30, { [A]: UP }, 1);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A)).toMatchObject({ state: "ready" });
    expect(sim.record(A).history.at(-1)).toMatchObject({ status: "resolved", attempts: [expect.objectContaining({ step: "reprovision", ok: true })] });
  });

  it("takes the backoff after a failed step too, so a broken provider API cannot race the ladder", async () => {
    const { calls, actions } = recordingActions({ reprovision: "ansible exited 4", powerCycle: "HTTP 503" });
    const sim = new Simulation([target(A, { autoRebuild: true })], actions);
    await confirmed(sim);
    await sim.rounds(7, { [A]: DOWN }, 1);
    expect(calls).toEqual([`reprovision ${A}`]);
    await sim.rounds(2, { [A]: DOWN }, 1);
    expect(calls).toEqual([`reprovision ${A}`, `powerCycle ${A}`]);
  });

  it("skips steps that are not connected and says so", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], { machines: actions.machines!, secondPath: actions.secondPath! });
    await confirmed(sim);
    await sim.rounds(40, { [A]: DOWN }, 1);
    expect(calls).toEqual([`powerCycle ${A}`]);
    expect(sim.record(A).incident!.seen.at(-1)).toContain(
      "not tried: reprovision (not connected: needs the Automation API library (src/automation)), rebuild (not connected");
  });

  it("only detects and reports without --heal", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A)], actions, { heal: false });
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 5);
    expect(calls).toEqual([]);
    expect(sim.record(A).incident).toMatchObject({ status: "detected", held: "recovery is off (run with --heal)" });
  });

  it("records every action as an event with the incident's ids", async () => {
    const { actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], actions);
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    const steps = sim.events.filter((e) => e.type === "recovery.step");
    expect(steps.map((e) => [e.step, e.message])).toEqual([
      ["reprovision", "reprovision done"],
      ["power_cycle", "second path: no verified SSH answer on the second address either"], ["power_cycle", "powerCycle done"],
      ["rebuild", "second path: no verified SSH answer on the second address either"],
      ["rebuild", "before rebuild: snapshot done"], ["rebuild", "rebuild done (after snapshot done)"]]);
    for (const e of steps) expect(e).toMatchObject({ incidentId: `${A}@2026-11-22T06:05:00.000Z`, correlationId: correlationId(A, 0) });
  });
});

describe("the share of the fleet recovery may touch", () => {
  it("allows a quarter of the fleet, and always at least one node", () => {
    expect([1, 2, 4, 7, 8, 100].map((n) => unhealthyAllowance(n, 0.25))).toEqual([1, 1, 1, 1, 2, 25]);
  });

  it("does nothing at all when more nodes look dead than allowed, and says why", async () => {
    const hosts = nodes(4);
    const { calls, actions } = recordingActions();
    const sim = new Simulation(hosts.map((h) => target(h)), actions);
    await sim.rounds(10, results(hosts, hosts.slice(0, 2)), 2.5);
    expect(calls).toEqual([]);
    expect(sim.record(hosts[0]!).incident).toMatchObject({ status: "detected",
      held: "2 of 4 nodes look dead, more than the 1 allowed (25%): suspecting the checker's side, doing nothing" });
    expect(sim.events.filter((e) => e.type === "fleet.held")).toHaveLength(10);
  });

  it("acts when the dead share is within the cap", async () => {
    const hosts = nodes(8);
    const { calls, actions } = recordingActions();
    const sim = new Simulation(hosts.map((h) => target(h)), actions);
    await sim.rounds(3, results(hosts, hosts.slice(0, 2)), 2.5);
    expect(calls.sort()).toEqual([`reprovision ${hosts[0]}`, `reprovision ${hosts[1]}`]);
  });

  it("halts even running recoveries while too much of the fleet looks dead", async () => {
    const hosts = nodes(4);
    const { calls, actions } = recordingActions();
    const sim = new Simulation(hosts.map((h) => target(h)), actions);
    await sim.rounds(3, results(hosts, [hosts[0]!]), 2.5);
    expect(calls).toEqual([`reprovision ${hosts[0]}`]);
    await sim.rounds(20, results(hosts, hosts.slice(0, 3)), 2.5);
    expect(calls).toEqual([`reprovision ${hosts[0]}`]);
  });
});

describe("a ladder whose steps change between runs", () => {
  it("goes on above the last step tried when a step becomes available later", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], { machines: actions.machines!, secondPath: actions.secondPath! });
    await confirmed(sim);
    expect(calls).toEqual([`powerCycle ${A}`]);
    sim.actions = actions;
    await sim.rounds(40, { [A]: DOWN }, 1);
    expect(calls).toEqual([`powerCycle ${A}`, `snapshot ${A}`, `rebuild ${A}`]);
  });
});

describe("recovery brings the data back after a rebuild", () => {
  it("restores the rebuilt node under the incident's ids, and the step succeeds only with the restore", async () => {
    const { calls, actions } = recordingActions();
    const restored: string[] = [];
    const sim = new Simulation([target(A, { autoRebuild: true })], { ...actions, nodes: { ...actions.nodes!,
      restore: async (h, ctx) => { restored.push(`${h} ${ctx.incidentId}`); return "restored 2 domains from snapshot 6ef87350; 2 domains answer"; } } });
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    expect(calls.at(-1)).toBe(`rebuild ${A}`);
    expect(restored).toEqual([`${A} ${sim.record(A).incident!.id}`]);
    expect(sim.record(A).incident!.attempts.at(-1)).toMatchObject({ step: "rebuild", ok: true,
      detail: "rebuild done (after snapshot done); restored 2 domains from snapshot 6ef87350; 2 domains answer" });
  });

  it("fails the rebuild step when the restored domains do not answer, naming the snapshot to fall back on", async () => {
    const { actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], { ...actions, nodes: { ...actions.nodes!,
      restore: async () => { throw new Error("restored 2 domains, but 1 do not answer: shop.example (HTTP 502) (exit 33)"); } } });
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    expect(sim.record(A).incident!.attempts.at(-1)).toMatchObject({ step: "rebuild", ok: false,
      detail: "rebuild done (after snapshot done), but its data was not restored: restored 2 domains, but 1 do not answer: shop.example (HTTP 502) (exit 33); snapshot done is the fallback" });
  });

  it("resolves the incident once the rebuilt and restored node answers", async () => {
    const { actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], { ...actions, nodes: { ...actions.nodes!,
      restore: async () => "restored 2 domains from snapshot 6ef87350; 2 domains answer" } });
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    await sim.round({ [A]: UP });
    expect(sim.record(A).incident).toBeUndefined();
    expect(sim.record(A).history.at(-1)).toMatchObject({ status: "resolved", seen: expect.arrayContaining(["all checks pass"]) });
  });

  it("never resolves a rebuilt node that answers without its data: the incident fails, naming the restore to run and the snapshot", async () => {
    const { actions } = recordingActions();
    const sim = new Simulation([target(A, { autoRebuild: true })], { ...actions, nodes: { ...actions.nodes!,
      restore: async () => { throw new Error("object store unreachable or refusing: dial tcp: connection refused (exit 20)"); } } });
    await confirmed(sim);
    await sim.rounds(30, { [A]: DOWN }, 1);
    const events = await sim.round({ [A]: UP });
    expect(sim.record(A).incident).toBeUndefined();
    const closed = sim.record(A).history.at(-1)!;
    expect(closed.status).toBe("failed");
    expect(closed.seen.at(-1)).toBe("the node answers, but its data was not restored (rebuild done (after snapshot done), but its data was not restored: " +
      "object store unreachable or refusing: dial tcp: connection refused (exit 20); snapshot done is the fallback); " +
      `restore it with \`fleet restore ${A}\`; a person must act (see the runbook)`);
    expect(events.map((e) => e.type)).toEqual(["incident.failed"]);
  });
});
