import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSecretValue } from "../../src/offline/recorder";
import { byName, FLEET, runStack } from "../components/harness";

const ROOT = join(__dirname, "../..");
const NODE = "prd-sha-het-de-fsn1-001";

interface Seen { method: string; url: string; auth: string; correlation: string; body: string }
let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
let replies: { status: number; body?: string; location?: string }[] = [];
let command: { create: string; delete: string; env: Record<string, string> };

/** The registration command exactly as the component declares it: its text and its
 *  environment, with secrets unwrapped the way the command provider passes them. */
beforeAll(async () => {
  const { resources } = await runStack("prd", FLEET);
  const inputs = byName(resources, `${NODE}-register`).inputs as { create: string; delete: string; environment: Record<string, unknown> };
  const env = Object.fromEntries(Object.entries(inputs.environment).map(([k, v]) =>
    [k, String(isSecretValue(v) ? (v as { value: unknown }).value : v)]));
  command = { create: inputs.create, delete: inputs.delete, env };
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: String(req.method), url: String(req.url), auth: String(req.headers.authorization),
        correlation: String(req.headers["x-correlation-id"]), body });
      const reply = replies.shift() ?? { status: 500 };
      res.writeHead(reply.status, { "content-type": "application/json", ...(reply.location ? { location: reply.location } : {}) })
        .end(reply.body ?? "");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/nodes`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

function run(text: string, script: { status: number; body?: string; location?: string }[], env: Record<string, string> = {}):
  Promise<{ code: number | null; stderr: string }> {
  replies = [...script];
  seen.length = 0;
  return new Promise((done) => {
    const child = spawn("sh", ["-c", text], {
      cwd: ROOT,
      env: { ...process.env, ...command.env, REGISTRATION_URL: baseUrl, REGISTRATION_BASE_DELAY_MS: "20", ...env },
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => done({ code, stderr }));
  });
}

describe("the registration command against a local platform", () => {
  it("registers with one PUT carrying the node, its capacity and the panel credentials", async () => {
    const result = await run(command.create, [{ status: 200 }]);
    expect(result.code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual(expect.objectContaining({ method: "PUT", url: `/api/nodes/${NODE}`, auth: "Bearer token-for-tests" }));
    expect(JSON.parse(seen[0]!.body)).toEqual(expect.objectContaining({
      hostname: NODE, fqdn: `${NODE}.infra.example.com`, ipv4: expect.stringMatching(/^198\.51\.100\./), ipv6: expect.stringMatching(/^2001:db8:[0-9a-f]+::1$/),
      environment: "prd", provider: "het", region: "fsn1", size: "cpx32", capacity: { maxDomains: 100, bandwidthGb: 2000 },
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      panel: expect.objectContaining({ type: "virtualmin", version: "8.1.0", apiUser: "node-fleet-api", apiPassword: `password-of-${NODE}-panel-password` }),
    }));
  });

  it("sends the operation's NODE_CORRELATION_ID with a PUT and a DELETE", async () => {
    const id = "3f2b6c1e-8a41-4c55-9d2e-0b7f4a1c9e21";
    expect((await run(command.create, [{ status: 200 }], { NODE_CORRELATION_ID: id })).code).toBe(0);
    expect(seen.map((s) => s.correlation)).toEqual([id]);
    expect((await run(command.delete, [{ status: 204 }], { NODE_CORRELATION_ID: id })).code).toBe(0);
    expect(seen.map((s) => s.correlation)).toEqual([id]);
  });

  it("retries a 503 and then succeeds", async () => {
    const result = await run(command.create, [{ status: 503, body: "busy" }, { status: 200 }]);
    expect(result.code).toBe(0);
    expect(seen.map((s) => s.method)).toEqual(["PUT", "PUT"]);
    expect(result.stderr).toContain("HTTP 503: busy; retrying");
  });

  it("fails on 400 with the server's message and without printing secrets", async () => {
    const result = await run(command.create, [{ status: 400, body: '{"error":"unknown region fsn1"}' }]);
    expect(result.code).toBe(1);
    expect(seen).toHaveLength(1);
    expect(result.stderr).toContain('failed: HTTP 400: {"error":"unknown region fsn1"}');
    expect(result.stderr).not.toMatch(/token-for-tests|password-of-/);
  });

  it("deregisters with DELETE", async () => {
    const result = await run(command.delete, [{ status: 204 }]);
    expect(result.code).toBe(0);
    expect(seen).toEqual([expect.objectContaining({ method: "DELETE", url: `/api/nodes/${NODE}`, body: "" })]);
  });

  it("does not follow a redirect: the other server receives neither the token nor the password", async () => {
    const elsewhere: Seen[] = [];
    const other = createServer((req, res) => {
      elsewhere.push({ method: String(req.method), url: String(req.url), auth: String(req.headers.authorization), correlation: String(req.headers["x-correlation-id"]), body: "" });
      res.writeHead(200).end();
    });
    await new Promise<void>((done) => other.listen(0, "127.0.0.1", done));
    try {
      const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/collect`;
      const result = await run(command.create, [{ status: 307, location: target }]);
      expect(result.code).toBe(1);
      expect(seen).toHaveLength(1);
      expect(elsewhere).toEqual([]);
      expect(result.stderr).toContain("HTTP 307 redirects to http://127.0.0.1:");
      expect(result.stderr).toContain("redirects are refused");
    } finally {
      await new Promise<void>((done) => other.close(() => done()));
    }
  });

  it("refuses a plain-http registration URL off loopback before sending anything", async () => {
    const result = await run(command.create, [{ status: 200 }], { REGISTRATION_URL: "http://platform.example.com/api/nodes" });
    expect(result.code).toBe(1);
    expect(seen).toEqual([]);
    expect(result.stderr).toContain('registration URL must use https:// (plain http:// only for loopback addresses, not "platform.example.com")');
  });
});
