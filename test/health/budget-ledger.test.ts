// Two watchers of one stack, each with a state directory of its own (their own records
// of what they did), act on the same servers: Hetzner's record of resets and recovery
// snapshots is the one ledger both read before a power-cycle or rebuild. The provider is
// a local server in the shape of the Hetzner Cloud API (GET /servers?name=,
// POST /servers/{id}/actions/reset and create_image, GET /actions/{id},
// GET /servers/{id}/actions?sort=started:desc, GET /images?type=snapshot&label_selector=).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ledgerExceeded, DEFAULT_BUDGETS } from "../../src/health/budgets";
import { HetznerClient } from "../../src/health/hetzner";
import type { RecoveryActions } from "../../src/health/recovery";
import { DOWN, recordingActions, Simulation, target } from "./scenario";

const A = "prd-sha-het-de-fsn1-001";
const DAY = 86_400_000;
const node = target(A, { autoRebuild: true });

/** Hetzner's side, stamped by the simulated clock the watchers share. */
let clock = 0;
let actions: { id: number; command: string; status: string; started: string }[] = [];
let images: { id: number; description: string; status: string; created: string; labels: Record<string, string>; created_from: null }[] = [];
let api: Server;
let base: string;

beforeAll(async () => {
  api = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => { text += c.toString(); });
    req.on("end", () => {
      const url = new URL(req.url!, "http://x");
      const json = (code: number, data: unknown) => { res.writeHead(code, { "content-type": "application/json" }); res.end(JSON.stringify(data)); };
      const now = new Date(clock).toISOString();
      if (req.method === "GET" && url.pathname === "/v1/servers") {
        return json(200, { servers: [{ id: 42, name: A, status: "running", created: "2026-01-01T00:00:00Z", protection: { delete: false, rebuild: false } }] });
      }
      if (req.method === "POST" && url.pathname === "/v1/servers/42/actions/reset") {
        const action = { id: actions.length + 1, command: "reset_server", status: "success", started: now };
        actions.unshift(action);
        return json(201, { action });
      }
      if (req.method === "POST" && url.pathname === "/v1/servers/42/actions/create_image") {
        const body = JSON.parse(text) as { description: string; labels: Record<string, string> };
        const image = { id: 1000 + images.length, description: body.description, status: "available", created: now, labels: body.labels, created_from: null };
        images.push(image);
        return json(201, { image, action: { id: 9000 + images.length, command: "create_image", status: "success" } });
      }
      if (req.method === "GET" && url.pathname === "/v1/servers/42/actions") {
        expect(url.searchParams.get("sort")).toBe("started:desc");
        return json(200, { actions, meta: { pagination: { next_page: null } } });
      }
      if (req.method === "GET" && url.pathname === "/v1/images") return json(200, { images, meta: { pagination: { next_page: null } } });
      json(404, { error: { code: "not_found", message: "not found" } });
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.12.4.3", r));
  base = `http://127.12.4.3:${(api.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => api.close(() => r())));
beforeEach(() => { actions = []; images = []; });

/** A watcher with records of its own, whose power-cycles and snapshots go to the shared API. */
function watcher(): { sim: Simulation; calls: string[] } {
  const { calls, actions: recorded } = recordingActions();
  const hetzner = new HetznerClient({ token: "t", baseUrl: base, pollMs: 1 });
  const machines = { ...recorded.machines!, powerCycle: (h: string) => hetzner.powerCycle(h), snapshot: hetzner.snapshot.bind(hetzner),
    ledger: hetzner.ledger.bind(hetzner) };
  const acting: RecoveryActions = { ...recorded, machines };
  return { sim: new Simulation([node], acting), calls };
}

describe("the heal budgets kept in Hetzner's record", () => {
  it("hold for two watchers with different state directories over a simulated week: one power-cycle a day, one rebuild a week", async () => {
    const first = watcher();
    const second = watcher();
    second.sim.now = first.sim.now;
    for (let round = 0; round < 7 * 24 * 2; round++) {
      for (const w of [first, second]) {
        clock = w.sim.now;
        await w.sim.round({ [A]: DOWN }, 0);
      }
      first.sim.now += 30 * 60_000;
      second.sim.now = first.sim.now;
    }
    const resets = actions.map((a) => Date.parse(a.started)).sort((a, b) => a - b);
    // Each watcher alone would reset once a day: together that would be two a day.
    expect(resets.length).toBeGreaterThan(0);
    for (const at of resets) expect(resets.filter((t) => t > at - DAY && t <= at).length).toBeLessThanOrEqual(1);
    expect(images.length).toBeLessThanOrEqual(1);
    const rebuilds = [...first.calls, ...second.calls].filter((c) => c.startsWith("rebuild"));
    expect(rebuilds.length).toBe(images.length);
  });

  it("defers the second watcher's power-cycle with the reason, counting no attempt", async () => {
    const first = watcher();
    const second = watcher();
    clock = first.sim.now;
    actions = [{ id: 1, command: "reset_server", status: "success", started: new Date(first.sim.now - 3_600_000).toISOString() }];
    second.sim.now = first.sim.now;
    await second.sim.rounds(40, { [A]: DOWN }, 1);
    expect(actions).toHaveLength(1);
    expect(second.sim.record(A).incident!.attempts.map((a) => a.step)).toEqual(["reprovision"]);
    expect(second.sim.events.some((e) => e.type === "recovery.step" && e.step === "power_cycle" && e.ok === false &&
      e.message.startsWith("not now: budget (Hetzner's record): 1 of 1 power-cycles a day used"))).toBe(true);
  });
});

describe("ledgerExceeded", () => {
  const now = 10 * DAY;
  it("counts this node's resets of the last day and its rebuilds of the last week", () => {
    expect(ledgerExceeded(A, "power_cycle", { resets: [now - DAY + 1000], rebuilds: [] }, now, DEFAULT_BUDGETS)).toBe("budget (Hetzner's record): 1 of 1 power-cycles a day used");
    expect(ledgerExceeded(A, "power_cycle", { resets: [now - DAY - 1000], rebuilds: [] }, now, DEFAULT_BUDGETS)).toBeUndefined();
    expect(ledgerExceeded(A, "rebuild", { resets: [], rebuilds: [{ hostname: A, at: now - 6 * DAY }] }, now, DEFAULT_BUDGETS)).toBe("budget (Hetzner's record): 1 of 1 rebuilds a week used");
  });

  it("counts the fleet's recovery snapshots of the last day toward the fleet's cap", () => {
    const others = ["b", "c", "d"].map((hostname) => ({ hostname, at: now - 3_600_000 }));
    expect(ledgerExceeded(A, "power_cycle", { resets: [], rebuilds: others }, now, DEFAULT_BUDGETS))
      .toBe("fleet budget (Hetzner's record): 3 of 3 power-cycles and rebuilds a day used");
  });

  it("never holds a re-provision", () => {
    expect(ledgerExceeded(A, "reprovision", { resets: [now, now], rebuilds: [] }, now, DEFAULT_BUDGETS)).toBeUndefined();
  });
});
