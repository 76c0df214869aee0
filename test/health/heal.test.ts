import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthCommand, type HealthOptions } from "../../src/cli/commands/health";
import { DEFAULT_SAFEGUARDS } from "../../src/health/safeguards";
import { correlationId } from "../../src/plan/correlation";
import { scratchProject } from "../cli/run";
import { bundledCatalog } from "../helpers";

// `fleet health --heal` end to end: a node on 127.12.8.1 that refuses everything,
// a Hetzner-shaped API and a Slack-shaped webhook on 127.12.8.2.
// stg: a prd node is always protected, and recovery never power-cycles a protected node.
const HOST = "stg-sha-het-de-fsn1-001";
let api: Server;
let base: string;
const seen: string[] = [];
let project: ReturnType<typeof scratchProject>;
let state: string;

beforeAll(async () => {
  api = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}${body ? ` ${body}` : ""}`);
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
      if (req.url!.startsWith("/v1/servers?")) return res.end(JSON.stringify({ servers: [{ id: 42, name: HOST, status: "running", created: "x", protection: { delete: true, rebuild: true } }] }));
      if (req.url === "/v1/servers/42/actions/reset") return res.end(JSON.stringify({ action: { id: 9, status: "success", error: null } }));
      // Hetzner's record of recovery (no reset, no recovery snapshot yet) and the server's
      // traffic, silent: the second opinion of a node without a second address.
      if (req.url!.startsWith("/v1/servers/42/actions?")) return res.end(JSON.stringify({ actions: [], meta: { pagination: { next_page: null } } }));
      if (req.url!.startsWith("/v1/images?")) return res.end(JSON.stringify({ images: [], meta: { pagination: { next_page: null } } }));
      if (req.url!.startsWith("/v1/servers/42/metrics?")) {
        return res.end(JSON.stringify({ metrics: { step: 60, time_series: { "network.0.pps.out": { values: [[1_790_000_000, "0.0"], [1_790_000_060, "0.0"]] } } } }));
      }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.12.8.2", r));
  base = `http://127.12.8.2:${(api.address() as AddressInfo).port}`;
  project = scratchProject({ "Pulumi.stg.yaml": join(__dirname, "../../Pulumi.stg.yaml") });
  writeFileSync(join(project.dir, "fleet.yaml"), `nodes:\n  ${HOST}: { size: cpx22, image: debian-12 }\n`);
  writeFileSync(join(project.dir, "targets.json"), JSON.stringify({ [HOST]: { address: "127.12.8.1", created: "2026-01-01T00:00:00Z" } }));
  state = mkdtempSync(join(tmpdir(), "fleet-health-heal-"));
});
afterAll(async () => {
  await new Promise<void>((r) => api.close(() => r()));
  project.cleanup();
  rmSync(state, { recursive: true, force: true });
});

const opts = (): HealthOptions => ({
  stack: "stg", projectDir: project.dir, targets: join(project.dir, "targets.json"), stateDir: state, json: true, watch: false,
  intervalSeconds: 60, heal: true, timeoutSeconds: 1, concurrency: 8, certDays: 14,
  safeguards: { ...DEFAULT_SAFEGUARDS, failures: 1, failureMinutes: 0 },
});

describe("fleet health --heal", () => {
  it("power-cycles a confirmed dead node through the Hetzner API, tells Slack, and audits it", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await healthCommand({ out: (l) => out.push(l), err: (l) => err.push(l) }, bundledCatalog(), opts(), {}, {
      HCLOUD_TOKEN: "t0k3n", HCLOUD_ENDPOINT: `${base}/v1`, FLEET_NOTIFY_SLACK_WEBHOOK_URL: `${base}/slack/T/B/X` });
    expect(code).toBe(5);
    expect(seen.filter((s) => s.startsWith("POST /v1"))).toEqual(["POST /v1/servers/42/actions/reset"]);
    const slack = seen.filter((s) => s.startsWith("POST /slack")).map((s) => (JSON.parse(s.slice(s.indexOf("{"))) as { text: string }).text);
    expect(slack.sort()).toEqual([
      `⚠️ ${HOST}: incident detected [${HOST}@${JSON.parse(out[0]!).checkedAt}]: down: tcp:22: refused; tcp:80: refused; tcp:443: refused; tcp:10000: refused; ssh: refused; tls:443: refused; tls:10000: refused`,
      `🔧 ${HOST}: incident recovering [${HOST}@${JSON.parse(out[0]!).checkedAt}]: step 1: power-cycle`,
    ].sort());
    const audit = readFileSync(join(state, "stg", "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    // Confirmed by Hetzner's view first (the node has no second address), then reset.
    expect(audit.filter((e) => e.type === "recovery.step")).toMatchObject([
      { step: "power_cycle", ok: true, message: "second path: the server runs but is silent: 0.0 packets/s sent on average over the last 10 minutes (Hetzner's metrics)" },
      { step: "power_cycle", ok: true, message: "reset server 42 (action 9)", correlationId: correlationId(HOST, 0) }]);
    const node = (JSON.parse(out[0]!) as { nodes: { state: string; incident: { status: string } }[] }).nodes[0]!;
    expect(node).toMatchObject({ state: "provisioning", incident: { status: "recovering" } });
    expect(err.join("\n")).not.toContain("t0k3n");
  });

  it("waits for the backoff on the next run instead of acting again", async () => {
    seen.length = 0;
    const code = await healthCommand({ out: () => undefined, err: () => undefined }, bundledCatalog(), opts(), {}, {
      HCLOUD_TOKEN: "t0k3n", HCLOUD_ENDPOINT: `${base}/v1` });
    expect(code).toBe(5);
    // Its one request lists recovery's snapshots (retention runs every round); nothing acts.
    expect(seen).toEqual(["GET /v1/images?type=snapshot&label_selector=managed-by%3Dnode-fleet&page=1&per_page=50"]);
  });
});
