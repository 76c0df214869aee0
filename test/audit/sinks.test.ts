import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AUDIT_SCHEMA, type AuditEvent } from "../../src/audit/event";
import { AuditTrail, jsonLinesSink, SIGNATURE_HEADER, webhookSink } from "../../src/audit/sinks";

function record(over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    schema: AUDIT_SCHEMA, id: randomUUID(), time: "2026-11-22T08:00:00.000Z", type: "operation.started",
    action: "fleet_up_started", operation: "up", project: "node-fleet", stack: "prd", correlationId: "c-1",
    actor: { name: "alice", source: "user" }, ...over,
  };
}

interface Received { headers: IncomingMessage["headers"]; body: string }

/** A webhook receiver on 127.0.0.1 answering `status`. */
async function receiver(status = 204): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => { body += c.toString(); });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`, received, server };
}

const cleanups: (() => void)[] = [];
afterEach(() => { while (cleanups.length) cleanups.pop()!(); });

describe("JSON-lines file sink", () => {
  it("appends one record per line, creating the file 0600 in a new directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "nested", "audit.jsonl");
    const sink = jsonLinesSink(path);
    await sink.write(record({ correlationId: "a" }));
    await sink.write(record({ correlationId: "b" }));
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines.slice(0, 2).map((l) => (JSON.parse(l) as AuditEvent).correlationId)).toEqual(["a", "b"]);
    expect(lines[2]).toBe("");
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe("webhook sink", () => {
  it("POSTs the record as JSON with an HMAC-SHA256 signature of the exact body when a secret is set", async () => {
    const r = await receiver();
    cleanups.push(() => r.server.close());
    const event = record();
    await webhookSink({ url: r.url, secret: "s3cret" }).write(event);
    const got = r.received[0]!;
    expect(JSON.parse(got.body)).toEqual(event);
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["x-node-fleet-event"]).toBe("operation.started");
    expect(got.headers[SIGNATURE_HEADER]).toBe(`sha256=${createHmac("sha256", "s3cret").update(got.body).digest("hex")}`);
  });

  it("sends no signature header without a secret", async () => {
    const r = await receiver();
    cleanups.push(() => r.server.close());
    await webhookSink({ url: r.url }).write(record());
    expect(r.received[0]!.headers).not.toHaveProperty(SIGNATURE_HEADER);
  });

  it("treats an answer other than 2xx as a failure", async () => {
    const r = await receiver(500);
    cleanups.push(() => r.server.close());
    await expect(webhookSink({ url: r.url }).write(record())).rejects.toThrow("HTTP 500");
  });

  it("is named by its origin only: the path and the query may be the secret", () => {
    expect(webhookSink({ url: "https://audit.example.com/hooks/T0KEN?token=abc" }).name).toBe("webhook https://audit.example.com");
  });

  it.each([
    ["without a scheme", "audit.example.com/hooks/T0KEN", "the URL is not an absolute http(s) URL"],
    ["with credentials", "http://ops:PA55W0RD@127.0.0.1:47/hooks/T0KEN", "the URL carries credentials"],
    ["whose host refuses", "http://127.0.0.1:47/hooks/T0KEN", "network error (ECONNREFUSED)"],
  ])("fails for a URL %s saying why, with nothing of the URL but its origin", async (_case, url, reason) => {
    const notices: string[] = [];
    const trail = new AuditTrail([webhookSink({ url })], (m) => notices.push(m));
    trail.record(record());
    await trail.flush();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(reason);
    expect(notices[0]).not.toMatch(/T0KEN|PA55W0RD|ops:/);
  });
});

describe("audit trail", () => {
  it("delivers records to each sink in order", async () => {
    const r = await receiver();
    cleanups.push(() => r.server.close());
    const trail = new AuditTrail([webhookSink({ url: r.url })], () => undefined);
    for (const id of ["1", "2", "3"]) trail.record(record({ correlationId: id }));
    await trail.flush();
    expect(r.received.map((x) => (JSON.parse(x.body) as AuditEvent).correlationId)).toEqual(["1", "2", "3"]);
  });

  it("says once that a failing sink failed, never throws, and keeps feeding the other sinks", async () => {
    const r = await receiver();
    cleanups.push(() => r.server.close());
    const closed = await receiver();
    const deadUrl = closed.url;
    await new Promise((done) => closed.server.close(done));
    const notices: string[] = [];
    const trail = new AuditTrail([webhookSink({ url: deadUrl }), webhookSink({ url: r.url })], (m) => notices.push(m));
    for (const id of ["1", "2", "3"]) trail.record(record({ correlationId: id }));
    await trail.flush();
    expect(notices).toHaveLength(1);
    const origin = new URL(deadUrl).origin;
    expect(notices[0]).toMatch(/^audit webhook http:\/\/127\.0\.0\.1:\d+ failed \(network error \(ECONNREFUSED\)\); the operation goes on/);
    expect(trail.lost()).toEqual(new Map([[`webhook ${origin}`, 3]]));
    expect(r.received).toHaveLength(3);
  });
});
