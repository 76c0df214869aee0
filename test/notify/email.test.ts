import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HealthEvent } from "../../src/events/health-event";
import { channelsFromEnv } from "../../src/notify/channels";
import { emailSettingsFromEnv } from "../../src/notify/email";
import { DEFAULT_RATE_LIMITS } from "../../src/notify/limiter";
import { deliver, notifyDeployment } from "../../src/notify/notifier";

// Real SMTP servers on 127.0.0.1 (nodemailer's smtp-server): one that offers STARTTLS
// on a plain connection, one that speaks TLS from the first byte, one without STARTTLS. Their certificate names IP 127.0.0.1 and is given to the channel as its CA.
interface Received { readonly secure: boolean; readonly user?: string; readonly from: string; readonly to: string[]; readonly data: string }

/** The body of a received message, its quoted-printable encoding undone. */
function body(data: string): string {
  const qp = data.slice(data.indexOf("\r\n\r\n") + 4).replace(/=\r\n/g, "");
  return Buffer.from(qp.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
}
let received: Received[] = [];
let dir: string;
const servers: SMTPServer[] = [];
const ports = { starttls: 0, tls: 0, plain: 0 };

function startServer(mode: keyof typeof ports, cert: { key: string; cert: string }): Promise<number> {
  const server = new SMTPServer({
    // The plain server would take a login and mail in clear: only the client can refuse.
    secure: mode === "tls", ...(mode === "plain" ? { disabledCommands: ["STARTTLS"], allowInsecureAuth: true } : {}), key: cert.key, cert: cert.cert, authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, done) {
      if (auth.username === "alerts" && auth.password === "s3cret") return done(null, { user: auth.username });
      return done(new Error("Invalid username or password"));
    },
    onData(stream, session, done) {
      let data = "";
      stream.on("data", (c: Buffer) => { data += c.toString("utf8"); });
      stream.on("end", () => {
        received.push({ secure: session.secure, ...(typeof session.user === "string" ? { user: session.user } : {}),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), data });
        done();
      });
    },
    logger: false,
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fleet-smtp-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=smtp.test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  const cert = { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  ports.starttls = await startServer("starttls", cert);
  ports.tls = await startServer("tls", cert);
  ports.plain = await startServer("plain", cert);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => { received = []; });

const at = Date.parse("2026-11-22T06:00:00Z");
const detected: HealthEvent = { type: "incident.detected", at, hostname: "prd-sha-het-de-fsn1-001", message: "down: tcp:22: refused",
  incidentId: "prd-sha-het-de-fsn1-001@2026-11-22T06:00:00.000Z", kind: "down" };

function env(security: "starttls" | "tls" | "plain", extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    FLEET_NOTIFY_SMTP_HOST: "127.0.0.1", FLEET_NOTIFY_SMTP_PORT: String(ports[security]),
    FLEET_NOTIFY_SMTP_SECURITY: security === "tls" ? "tls" : "starttls", FLEET_NOTIFY_SMTP_USER: "alerts", FLEET_NOTIFY_SMTP_PASSWORD: "s3cret",
    FLEET_NOTIFY_SMTP_FROM: "fleet@example.test", FLEET_NOTIFY_SMTP_TO: "ops@example.test, oncall@example.test",
    FLEET_NOTIFY_SMTP_CA: join(dir, "cert.pem"), ...extra,
  };
}

describe("email channel", () => {
  it("sends an incident over STARTTLS, logged in, to every recipient", async () => {
    const result = await deliver([detected], channelsFromEnv(env("starttls")), {}, at, DEFAULT_RATE_LIMITS);
    expect(result.errors).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ secure: true, user: "alerts", from: "fleet@example.test", to: ["ops@example.test", "oncall@example.test"] });
    expect(received[0]!.data).toContain("Subject: [node-fleet] prd-sha-het-de-fsn1-001: incident detected");
    expect(body(received[0]!.data)).toContain("incident detected [prd-sha-het-de-fsn1-001@2026-11-22T06:00:00.000Z]: down: tcp:22: refused");
  });

  it("sends over implicit TLS when the security mode is tls", async () => {
    const result = await deliver([detected], channelsFromEnv(env("tls")), {}, at, DEFAULT_RATE_LIMITS);
    expect(result.errors).toEqual([]);
    expect(received.map((r) => [r.secure, r.user])).toEqual([[true, "alerts"]]);
  });

  it("refuses a server that offers no STARTTLS rather than log in or send in clear", async () => {
    const result = await deliver([detected], channelsFromEnv(env("plain")), {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(new RegExp(`^email via 127\\.0\\.0\\.1:${ports.plain}: .*STARTTLS`, "i"));
  });

  it("refuses a server whose certificate it does not trust", async () => {
    const { FLEET_NOTIFY_SMTP_CA: _ca, ...untrusting } = env("starttls");
    const result = await deliver([detected], channelsFromEnv(untrusting), {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([]);
    expect(result.errors[0]).toMatch(/self[- ]signed certificate/i);
  });

  it("reports a refused login in one line without the password", async () => {
    const result = await deliver([detected], channelsFromEnv(env("starttls", { FLEET_NOTIFY_SMTP_PASSWORD: "wrong-pass" })), {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^email via 127\.0\.0\.1:\d+: Invalid login/);
    expect(result.errors[0]).not.toContain("wrong-pass");
    expect(result.errors[0]).not.toContain("\n");
  });

  it("is rate-limited like the other channels: the same news about a node goes once per window", async () => {
    const channels = channelsFromEnv(env("starttls"));
    const first = await deliver([detected], channels, {}, at, DEFAULT_RATE_LIMITS);
    const second = await deliver([{ ...detected, at: at + 60_000 }], channels, first.memory, at + 60_000, DEFAULT_RATE_LIMITS);
    expect([first.sent, second.sent, second.suppressed]).toEqual([1, 0, 1]);
    expect(received).toHaveLength(1);
  });

  it("tells of a failed deployment", async () => {
    await notifyDeployment({ hostname: "stack prd", ok: false, summary: "up of stack prd failed: boom (correlation c1)", correlationId: "c1" },
      channelsFromEnv(env("starttls")), {}, at, DEFAULT_RATE_LIMITS);
    expect(received[0]!.data).toContain("Subject: [node-fleet] stack prd: deployment failed");
    expect(body(received[0]!.data)).toContain("up of stack prd failed: boom (correlation c1)");
  });

  it("tells of a finished deployment", async () => {
    await notifyDeployment({ hostname: "stack prd", ok: true, summary: "up of stack prd: 3 created", correlationId: "c2" },
      channelsFromEnv(env("starttls")), {}, at, DEFAULT_RATE_LIMITS);
    expect(received[0]!.data).toContain("Subject: [node-fleet] stack prd: deployment succeeded");
  });
});

describe("email settings", () => {
  it("defaults to STARTTLS on port 587, and 465 for implicit TLS", () => {
    const base = { FLEET_NOTIFY_SMTP_HOST: "smtp.example.test", FLEET_NOTIFY_SMTP_FROM: "f@example.test", FLEET_NOTIFY_SMTP_TO: "t@example.test" };
    expect(emailSettingsFromEnv(base)).toEqual({ host: "smtp.example.test", port: 587, security: "starttls", from: "f@example.test", to: ["t@example.test"] });
    expect(emailSettingsFromEnv({ ...base, FLEET_NOTIFY_SMTP_SECURITY: "tls" })).toMatchObject({ port: 465, security: "tls" });
  });

  it("names the missing variable when the channel is set only in part", () => {
    expect(emailSettingsFromEnv({ FLEET_NOTIFY_SMTP_HOST: "smtp.example.test", FLEET_NOTIFY_SMTP_FROM: "f@example.test" }))
      .toEqual({ problem: "FLEET_NOTIFY_SMTP_HOST is set but FLEET_NOTIFY_SMTP_TO is not; set the recipients" });
    expect(emailSettingsFromEnv({ FLEET_NOTIFY_SMTP_HOST: "h", FLEET_NOTIFY_SMTP_FROM: "f", FLEET_NOTIFY_SMTP_TO: "t", FLEET_NOTIFY_SMTP_SECURITY: "ssl" }))
      .toEqual({ problem: 'FLEET_NOTIFY_SMTP_SECURITY="ssl" is not a security mode; allowed: starttls, tls' });
  });

  it("reports a half-set channel on every message instead of staying silent", async () => {
    const result = await deliver([detected], channelsFromEnv({ FLEET_NOTIFY_SMTP_HOST: "smtp.example.test" }), {}, at, DEFAULT_RATE_LIMITS);
    expect(result.errors).toEqual(["email: FLEET_NOTIFY_SMTP_HOST is set but FLEET_NOTIFY_SMTP_FROM is not; set the sender address"]);
  });

  it("adds no email channel when no SMTP host is set", () => {
    expect(channelsFromEnv({ FLEET_NOTIFY_SMTP_TO: "t@example.test" })).toEqual([]);
  });
});
