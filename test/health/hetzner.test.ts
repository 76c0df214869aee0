import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HetznerClient } from "../../src/health/hetzner";

// A local server in the shape of the Hetzner Cloud API (docs.hetzner.cloud):
// servers are found with GET /servers?name=, actions are returned as
// {action: {id, status: running|success|error, error}} and polled at GET /actions/{id},
// errors are {error: {code, message}}.
const TOKEN = "test-token-abc";
let server: Server;
let base: string;
let requests: { method: string; url: string; body: unknown }[] = [];
let actionPolls: Record<number, ("running" | "success" | "error")[]> = {};
/** What the fake's metrics endpoint answers for server 42: packets sent per second, a sample a minute. */
let packetsOut: string[] = [];

const SERVER = { id: 42, name: "prd-sha-het-de-fsn1-001", status: "running", created: "2026-11-01T10:00:00+00:00", protection: { delete: true, rebuild: false } };

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (c) => { text += c; });
    req.on("end", () => resolve(text ? JSON.parse(text) : undefined));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const json = (status: number, data: unknown) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(data)); };
    requests.push({ method: req.method!, url: req.url!, body: await body(req) });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: { code: "unauthorized", message: "unable to authenticate" } });
    const url = new URL(req.url!, "http://x");
    if (req.method === "GET" && url.pathname === "/v1/servers") {
      return json(200, { servers: url.searchParams.get("name") === SERVER.name ? [SERVER] : [], meta: { pagination: { total_entries: 1 } } });
    }
    if (req.method === "POST" && url.pathname === "/v1/servers/42/actions/reset") return json(201, { action: { id: 7, command: "reset_server", status: "running", error: null } });
    if (req.method === "POST" && url.pathname === "/v1/servers/42/actions/create_image") {
      return json(201, { image: { id: 4711, type: "snapshot" }, action: { id: 8, command: "create_image", status: "running", error: null } });
    }
    if (req.method === "GET" && url.pathname === "/v1/servers/42/metrics" && url.searchParams.get("type") === "network") {
      const start = Date.parse(url.searchParams.get("start")!) / 1000;
      return json(200, { metrics: { start: url.searchParams.get("start"), end: url.searchParams.get("end"), step: 60, time_series: {
        "network.0.pps.in": { values: packetsOut.map((_, i) => [start + 60 * i, "50"]) },
        "network.0.pps.out": { values: packetsOut.map((v, i) => [start + 60 * i, v]) },
      } } });
    }
    const action = /^\/v1\/actions\/(\d+)$/.exec(url.pathname);
    if (req.method === "GET" && action) {
      const id = Number(action[1]);
      const status = actionPolls[id]?.shift() ?? "success";
      return json(200, { action: { id, status, error: status === "error" ? { code: "action_failed", message: "Action failed" } : null } });
    }
    json(404, { error: { code: "not_found", message: "not found" } });
  });
  await new Promise<void>((r) => server.listen(0, "127.12.4.1", r));
  base = `http://127.12.4.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { requests = []; actionPolls = {}; packetsOut = []; });

const client = (token = TOKEN) => new HetznerClient({ token, baseUrl: base, pollMs: 5 });

describe("Hetzner client", () => {
  it("power-cycles a server found by name and waits for the reset action to finish", async () => {
    actionPolls[7] = ["running", "running", "success"];
    await expect(client().powerCycle(SERVER.name)).resolves.toBe("reset server 42 (action 7)");
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v1/servers?name=${SERVER.name}`, "POST /v1/servers/42/actions/reset", "GET /v1/actions/7", "GET /v1/actions/7", "GET /v1/actions/7"]);
  });

  it("takes a labelled snapshot and returns only once it is complete", async () => {
    actionPolls[8] = ["running", "success"];
    await expect(client().snapshot(SERVER.name, "node-fleet recovery X", { "managed-by": "node-fleet" })).resolves.toBe("snapshot image 4711 of server 42");
    expect(requests[1]).toEqual({ method: "POST", url: "/v1/servers/42/actions/create_image",
      body: { type: "snapshot", description: "node-fleet recovery X", labels: { "managed-by": "node-fleet" } } });
    expect(requests.at(-1)!.url).toBe("/v1/actions/8");
  });

  it("fails when the action ends in error", async () => {
    actionPolls[8] = ["error"];
    await expect(client().snapshot(SERVER.name, "x", {})).rejects.toThrow("action 8 failed: Action failed");
  });

  it("reads a running server's packets sent per second over the last ten minutes from its network metrics", async () => {
    packetsOut = ["0.0", "0.2", "0.1"];
    await expect(client().activity(SERVER.name)).resolves.toEqual({ status: "running", minutes: 10, packetsOutPerSecond: [0, 0.2, 0.1] });
    const asked = new URL(requests[1]!.url, "http://x");
    expect(asked.pathname).toBe("/v1/servers/42/metrics");
    expect(asked.searchParams.get("type")).toBe("network");
    expect(Date.parse(asked.searchParams.get("end")!) - Date.parse(asked.searchParams.get("start")!)).toBe(600_000);
  });

  it("reads the provider's rebuild protection", async () => {
    await expect(client().rebuildProtected(SERVER.name)).resolves.toBe(false);
  });

  it("names an unknown server", async () => {
    await expect(client().powerCycle("prd-sha-het-de-fsn1-999")).rejects.toThrow("Hetzner has no server named prd-sha-het-de-fsn1-999");
  });

  it("reports the API's error without the token", async () => {
    const err = await client("wrong-token").powerCycle(SERVER.name).catch((e: Error) => e);
    expect((err as Error).message).toBe("Hetzner API GET /servers: HTTP 401 unauthorized: unable to authenticate");
    expect((err as Error).message).not.toContain("wrong-token");
  });
});
