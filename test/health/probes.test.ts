import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForgedSignatureError, readServerIdentity, sameHostKey } from "../../src/health/probes/ssh-host-key";
import { daysLeft, readCertificate } from "../../src/health/probes/tls";
import { tcpOpen } from "../../src/health/probes/tcp";
import { PanelAuthError, PanelIdentityError, virtualminInfo } from "../../src/health/probes/virtualmin";
import { certificate, hostKey, startBlackhole, startFakeNodes } from "./fake-nodes";

// Every listener of this file is on 127.12.1.0/24 (others use other /24s).
const good = hostKey();
const impostor = hostKey();
const panel = { user: "fleet-api", password: "s3cret-panel", version: "7.30.8" };
let stop: (() => Promise<void>)[] = [];
const soon = certificate(3, "soon.test");
const pin = new X509Certificate(soon.cert).fingerprint256;
let credentialsSent: () => string[];

beforeAll(async () => {
  const nodes = await startFakeNodes([
    { address: "127.12.1.1", hostKey: good, panel, cert: soon },
    { address: "127.12.1.2", hostKey: good, signWith: impostor },
    { address: "127.12.1.3", mode: "hang" },
    { address: "127.12.1.4", mode: "not-ssh" },
    { address: "127.12.1.6", hostKey: good, panel, cert: soon },
  ]);
  const blackhole = await startBlackhole("127.12.1.5", [22]);
  stop = [nodes.stop, blackhole.stop];
  credentialsSent = nodes.credentialsSent;
});
afterAll(async () => { await Promise.all(stop.map((s) => s())); });

describe("SSH host key", () => {
  it("reads the banner and the host key the server signed the exchange with", async () => {
    const id = await readServerIdentity("127.12.1.1", 22, 2000);
    expect(id.banner).toBe("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    expect(sameHostKey(id.hostKey, good.line)).toBe(true);
    expect(id.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("rejects a server that presents a key it cannot sign with as a forged identity, naming the key", async () => {
    const err = await readServerIdentity("127.12.1.2", 22, 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgedSignatureError);
    expect(sameHostKey((err as ForgedSignatureError).hostKey, good.line)).toBe(true);
    expect((err as Error).message).toMatch(/^the server presented SHA256:\S+ but its signature does not verify with it$/);
  });

  it("rejects a port that does not speak SSH", async () => {
    await expect(readServerIdentity("127.12.1.4", 22, 2000)).rejects.toThrow(/closed the connection before identifying itself|not an SSH/);
  });

  it("gives up on a server that never identifies itself after the timeout", async () => {
    const started = Date.now();
    await expect(readServerIdentity("127.12.1.3", 22, 500)).rejects.toThrow("no answer within 500 ms");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("reports a refused port at once", async () => {
    await expect(readServerIdentity("127.12.1.9", 22, 2000)).rejects.toThrow("refused");
  });

  it("compares keys by type and blob, ignoring comments", () => {
    expect(sameHostKey(`${good.line} root@node`, good.line)).toBe(true);
    expect(sameHostKey(good.line, impostor.line)).toBe(false);
  });
});

describe("TCP", () => {
  it("opens a listening port", async () => {
    await expect(tcpOpen("127.12.1.1", 80, 1000)).resolves.toBe("open");
  });

  it("times out on a host that drops connection attempts", async () => {
    const started = Date.now();
    await expect(tcpOpen("127.12.1.5", 22, 400)).rejects.toThrow("no answer within 400 ms");
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });
});

describe("TLS", () => {
  it("reads the expiry of a certificate close to its end, and that it is self-signed", async () => {
    const cert = await readCertificate("127.12.1.1", 443, "soon.test", 2000);
    expect(daysLeft(cert.notAfter, new Date())).toBe(2);
    expect(cert.subject).toBe("soon.test");
    expect(cert.untrusted).toMatch(/SELF_SIGNED|self.signed/i);
  });

  it("counts whole days and goes negative once expired", () => {
    const end = new Date("2026-01-10T00:00:00Z");
    expect(daysLeft(end, new Date("2026-01-08T12:00:00Z"))).toBe(1);
    expect(daysLeft(end, new Date("2026-01-11T00:00:00Z"))).toBe(-1);
  });
});

describe("Virtualmin remote API", () => {
  it("reads the version from `info` with the panel credentials, from the pinned certificate", async () => {
    await expect(virtualminInfo("127.12.1.1", 10000, "soon.test", panel, pin, 2000)).resolves.toBe("virtualmin 7.30.8");
  });

  it("says the credentials were rejected on HTTP 401, as an authentication failure", async () => {
    const err = await virtualminInfo("127.12.1.1", 10000, "soon.test", { ...panel, password: "wrong" }, pin, 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PanelAuthError);
    expect((err as Error).message).toBe("credentials of fleet-api rejected (HTTP 401)");
  });

  // A panel of its own: the fake nodes report received credentials on their stdout, which
  // may arrive after the other tests' answers, so a count across tests would race.
  it("sends nothing to a self-signed panel whose certificate is not the pinned one", async () => {
    const other = new X509Certificate(certificate(30).cert).fingerprint256;
    const err = await virtualminInfo("127.12.1.6", 10000, "soon.test", panel, other, 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PanelIdentityError);
    expect((err as Error).message).toBe(`the panel's certificate ${pin} is not the pinned one; credentials not sent`);
    await virtualminInfo("127.12.1.1", 10000, "soon.test", panel, pin, 2000);
    await expect.poll(() => credentialsSent().includes("127.12.1.1")).toBe(true);
    expect(credentialsSent()).not.toContain("127.12.1.6");
  });
});
