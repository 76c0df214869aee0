import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HetznerClient } from "../../src/health/hetzner";
import { secondPathOf } from "../../src/health/monitor";
import { ForgedSignatureError, type ServerIdentity } from "../../src/health/probes/ssh-host-key";
import { judgeServerActivity } from "../../src/health/second-opinion";
import { DOWN, recordingActions, Simulation, target } from "./scenario";

const A = "prd-sha-het-de-fsn1-001";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2xQmrvD6ADHnjDjnq0Rp0gMmVYcUHjaAm6Kc1kzJbA";
const OTHER = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbK0S2S1e8uV4uA4nTn0mB0eOQeqGEL5ZjvLbT0v0nH";
const ALIVE = "the node answers on its second address 2001:db8::1 with the pinned host key (verified key exchange)";
const withSecond = target(A, { autoRebuild: true, resolved: { address: "127.12.3.1", hostKey: KEY, secondAddress: "2001:db8::1" } });
const ipv4Only = target(A, { autoRebuild: true, resolved: { address: "127.12.3.1", hostKey: KEY } });
const WEEK_OF_HALF_HOURS = 7 * 24 * 60 / 30;

/** A probe of the second address that presents `key`, or fails as `failure` says. */
const presents = (key: string | undefined, asked: string[] = [], failure: Error = new Error("connect ETIMEDOUT")) =>
  async (address: string): Promise<ServerIdentity> => {
    asked.push(address);
    if (!key) throw failure;
    return { banner: "SSH-2.0-OpenSSH_9.2p1", hostKey: key, fingerprint: "SHA256:x" };
  };

describe("the second probe path of a node with a second address", () => {
  const { actions } = recordingActions();
  it("calls the node alive when its second address completes a key exchange with the pinned key", async () => {
    expect(await secondPathOf([withSecond], 1000, actions.machines, presents(KEY))(A)).toEqual({ alive: ALIVE });
  });

  it("confirms it down when the second address does not answer either", async () => {
    expect(await secondPathOf([withSecond], 1000, actions.machines, presents(undefined))(A))
      .toEqual({ down: "no verified SSH answer on its second address 2001:db8::1 either (connect ETIMEDOUT)" });
  });

  it("confirms nothing when the second address shows another key or a forged signature", async () => {
    expect(await secondPathOf([withSecond], 1000, actions.machines, presents(OTHER))(A)).toEqual({ unsure: "its second address 2001:db8::1 presents another host key (SHA256:x)" });
    const forged = new ForgedSignatureError(KEY, "SHA256:pinned");
    expect(await secondPathOf([withSecond], 1000, actions.machines, presents(undefined, [], forged))(A))
      .toEqual({ unsure: "its second address 2001:db8::1 the server presented SHA256:pinned but its signature does not verify with it" });
  });
});

describe("the provider's view as the second opinion", () => {
  it("is down for a server Hetzner reports off", () => {
    expect(judgeServerActivity({ status: "off", minutes: 10, packetsOutPerSecond: [] })).toEqual({ down: "Hetzner reports the server off" });
  });

  it("is down for a running server that sends under one packet a second", () => {
    expect(judgeServerActivity({ status: "running", minutes: 10, packetsOutPerSecond: [0, 0.4, 0.2] }))
      .toEqual({ down: "the server runs but is silent: 0.2 packets/s sent on average over the last 10 minutes (Hetzner's metrics)" });
  });

  it("is alive for a running server that keeps sending", () => {
    expect(judgeServerActivity({ status: "running", minutes: 10, packetsOutPerSecond: [40, 55, 61] }))
      .toEqual({ alive: "the server is sending: 52.0 packets/s sent on average over the last 10 minutes (Hetzner's metrics)" });
  });

  it("confirms nothing without samples", () => {
    expect(judgeServerActivity({ status: "running", minutes: 10, packetsOutPerSecond: [] }))
      .toEqual({ unsure: "Hetzner has no network samples of the server for the last 10 minutes" });
  });
});

describe("the ladder with a second probe path", () => {
  // The first path (IPv4 from the checker) is dead for a week; the second shows the node alive.
  it("never power-cycles or rebuilds a node alive on its second path, and hands it to a person", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([withSecond], { ...actions, secondPath: secondPathOf([withSecond], 1000, actions.machines, presents(KEY)) });
    await sim.rounds(WEEK_OF_HALF_HOURS, { [A]: DOWN }, 30);
    expect(calls).toEqual([`reprovision ${A}`]);
    const attempts = sim.record(A).incident!.attempts.map((a) => [a.step, a.ok, a.detail]);
    expect(attempts.slice(1)).toContainEqual(["power_cycle", false,
      `not power-cycle: ${ALIVE}; a person must look at the first path (routing, the checker's network)`]);
    expect(sim.record(A).incident!.status).toBe("failed");
  });

  it("power-cycles as before when the second path is dead too", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([withSecond], { ...actions, secondPath: secondPathOf([withSecond], 1000, actions.machines, presents(undefined)) });
    await sim.rounds(40, { [A]: DOWN }, 30);
    expect(calls.slice(0, 2)).toEqual([`reprovision ${A}`, `powerCycle ${A}`]);
  });

  it("never power-cycles or rebuilds when no second path is set up at all", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([ipv4Only], { nodes: actions.nodes!, machines: actions.machines! });
    await sim.rounds(WEEK_OF_HALF_HOURS, { [A]: DOWN }, 30);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident!.attempts.map((a) => a.detail)).toContainEqual(
      "not power-cycle: no second path confirms the node is down (no second probe path is set up); a person must look");
  });
});

// An IPv4-only node: the second opinion is Hetzner's, read from a local server in the
// shape of the Hetzner Cloud API (GET /servers?name=, GET /servers/{id}/metrics).
describe("an IPv4-only node over a simulated week, with Hetzner's view as its second path", () => {
  let api: Server;
  let base: string;
  let status = "running";
  let packetsOut = "0";
  let failing = false;
  beforeAll(async () => {
    api = createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      const json = (code: number, data: unknown) => { res.writeHead(code, { "content-type": "application/json" }); res.end(JSON.stringify(data)); };
      if (failing) return json(503, { error: { code: "unavailable", message: "service unavailable" } });
      if (url.pathname === "/v1/servers" && url.searchParams.get("name") === A) {
        return json(200, { servers: [{ id: 42, name: A, status, created: "2026-11-01T10:00:00+00:00", protection: { delete: false, rebuild: false } }] });
      }
      if (url.pathname === "/v1/servers/42/metrics") {
        const start = Date.parse(url.searchParams.get("start")!) / 1000;
        return json(200, { metrics: { step: 60, time_series: { "network.0.pps.out": { values: Array.from({ length: 10 }, (_, i) => [start + 60 * i, packetsOut]) } } } });
      }
      json(404, { error: { code: "not_found", message: "not found" } });
    });
    await new Promise<void>((r) => api.listen(0, "127.12.4.2", r));
    base = `http://127.12.4.2:${(api.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => api.close(() => r())));
  beforeEach(() => { status = "running"; packetsOut = "0"; failing = false; });

  /** Recorded actions, whose Hetzner view comes from the local API. */
  function simulation() {
    const { calls, actions } = recordingActions();
    const hetzner = new HetznerClient({ token: "t", baseUrl: base, pollMs: 1 });
    const machines = { ...actions.machines!, activity: (h: string) => hetzner.activity(h) };
    const sim = new Simulation([ipv4Only], { ...actions, machines, secondPath: secondPathOf([ipv4Only], 1000, machines, presents(KEY)) });
    return { calls, sim };
  }

  it("power-cycles a node whose server runs but sends nothing", async () => {
    const { calls, sim } = simulation();
    await sim.rounds(40, { [A]: DOWN }, 30);
    expect(calls.slice(0, 2)).toEqual([`reprovision ${A}`, `powerCycle ${A}`]);
    expect(sim.events.find((e) => e.type === "recovery.step" && e.step === "power_cycle")?.message)
      .toBe("second path: the server runs but is silent: 0.0 packets/s sent on average over the last 10 minutes (Hetzner's metrics)");
  });

  it("never power-cycles or rebuilds a node whose server keeps sending", async () => {
    packetsOut = "35.5";
    const { calls, sim } = simulation();
    await sim.rounds(WEEK_OF_HALF_HOURS, { [A]: DOWN }, 30);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident!.attempts.map((a) => a.detail)).toContainEqual("not power-cycle: the server is sending: " +
      "35.5 packets/s sent on average over the last 10 minutes (Hetzner's metrics); a person must look at the first path (routing, the checker's network)");
  });

  it("never power-cycles or rebuilds while Hetzner's view cannot be read", async () => {
    failing = true;
    const { calls, sim } = simulation();
    await sim.rounds(WEEK_OF_HALF_HOURS, { [A]: DOWN }, 30);
    expect(calls).toEqual([`reprovision ${A}`]);
    expect(sim.record(A).incident!.attempts.map((a) => a.detail).find((d) => d.startsWith("not power-cycle")))
      .toMatch(/^not power-cycle: no second path confirms the node is down \(Hetzner's view of the server could not be read: Hetzner API GET \/servers: HTTP 503/);
  });
});
