import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNode } from "../../src/health/check-node";
import type { HealthTarget } from "../../src/health/types";
import { certificate, hostKey, startFakeNodes } from "./fake-nodes";

// Listeners on 127.12.2.0/24.
const key = hostKey();
const impostor = hostKey();
const panel = { user: "fleet-api", password: "pw-123", version: "7.30.8" };
const panelCert = certificate(90);
const pin = new X509Certificate(panelCert.cert).fingerprint256;
const soonCert = certificate(5);
let stop: () => Promise<void>;
let credentialsSent: () => string[];
beforeAll(async () => {
  ({ stop, credentialsSent } = await startFakeNodes([
    { address: "127.12.2.1", hostKey: key, panel, cert: panelCert },
    { address: "127.12.2.2", hostKey: key, panel, cert: soonCert },
    { address: "127.12.2.3", mode: "hang" },
    // Presents the pinned key, signs with another: a man in the middle who copied the public key.
    { address: "127.12.2.4", hostKey: key, signWith: impostor, panel, cert: panelCert },
    { address: "127.12.2.5", hostKey: key, panel: { ...panel, password: "changed-on-the-node" }, cert: panelCert },
    // The real SSH key, but a self-signed panel certificate nobody pinned (port 10000 intercepted).
    { address: "127.12.2.6", hostKey: key, panel, cert: certificate(90) },
    { address: "127.12.2.7", hostKey: key, cert: panelCert, panel: { ...panel, version: "7.30\x1b]0;pwned\x07\x9b2J<!channel>" } },
  ]));
});
afterAll(async () => { await stop(); });

const target = (address: string, pinned?: string, panelCertSha256: string | undefined = pin): HealthTarget => ({
  hostname: "prd-sha-het-de-fsn1-001", fqdn: "prd-sha-het-de-fsn1-001.infra.example.com", generation: 0,
  maintenance: false, autoRebuild: false, protect: true, panelUser: "fleet-api",
  resolved: { address, ...(pinned ? { hostKey: pinned } : {}), ...(panelCertSha256 ? { panelCertSha256 } : {}) },
});
const failures = (checks: readonly { name: string; ok: boolean; fault?: string }[]) => checks.filter((c) => !c.ok).map((c) => [c.name, c.fault]);
const opts = { timeoutMs: 1500, certWarnDays: 14, panelCredentials: () => panel };

describe("checkNode", () => {
  it("passes every check of a healthy node, each named, with its detail and time", async () => {
    const result = await checkNode(target("127.12.2.1", key.line), opts);
    expect(result.checks.map((c) => c.name)).toEqual(["tcp:22", "tcp:80", "tcp:443", "tcp:10000", "ssh", "tls:443", "tls:10000", "virtualmin-api"]);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.healthy).toBe(true);
    expect(result.checks.find((c) => c.name === "tls:443")!.detail).toMatch(/^8\d days left/);
    expect(result.checks.find((c) => c.name === "virtualmin-api")!.detail).toBe("virtualmin 7.30.8");
    for (const c of result.checks) expect(c.ms).toBeGreaterThanOrEqual(0);
  });

  it("fails the TLS checks of a certificate close to expiry as a certificate fault, nothing else", async () => {
    const result = await checkNode(target("127.12.2.2", key.line, new X509Certificate(soonCert.cert).fingerprint256), opts);
    const failed = result.checks.filter((c) => !c.ok);
    expect(failed.map((c) => [c.name, c.fault])).toEqual([["tls:443", "certificate"], ["tls:10000", "certificate"]]);
    expect(failed[0]!.detail).toMatch(/^certificate expires in 4 days/);
  });

  it("leaves the API check out without panel credentials", async () => {
    const result = await checkNode(target("127.12.2.1", key.line), { timeoutMs: 1500, certWarnDays: 14 });
    expect(result.checks.map((c) => c.name)).not.toContain("virtualmin-api");
  });

  it("charges a hanging node its timeout once, not once per check", async () => {
    const started = Date.now();
    const result = await checkNode(target("127.12.2.3", key.line), opts);
    const elapsed = Date.now() - started;
    expect(result.healthy).toBe(false);
    expect(result.checks.filter((c) => !c.ok).map((c) => [c.name, c.fault])).toEqual(
      [["ssh", "down"], ["tls:443", "down"], ["tls:10000", "down"]]);
    expect(elapsed).toBeGreaterThanOrEqual(1450);
    expect(elapsed).toBeLessThan(2500);
  });

  it("reports a refusing node as down on every port without waiting", async () => {
    const started = Date.now();
    const result = await checkNode(target("127.12.2.9"), opts);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.checks.every((c) => !c.ok && c.fault === "down" && c.detail === "refused")).toBe(true);
  });

  it("reports a forged signature with the pinned key as an identity fault and sends it no credential", async () => {
    const result = await checkNode(target("127.12.2.4", key.line), opts);
    expect(failures(result.checks)).toEqual([["ssh", "host-key"]]);
    expect(result.checks.find((c) => c.name === "ssh")!.detail).toMatch(
      /^FORGED IDENTITY: the server presented SHA256:\S+ but its signature does not verify with it \(it is the pinned key: someone copied it and is in the middle\)$/);
    expect(result.checks.map((c) => c.name)).not.toContain("virtualmin-api");
    await new Promise((r) => setTimeout(r, 200));
    expect(credentialsSent()).not.toContain("127.12.2.4");
  });

  it("sends no credential to a node whose SSH identity is not pinned", async () => {
    const result = await checkNode(target("127.12.2.1"), opts);
    expect(result.checks.map((c) => c.name)).not.toContain("virtualmin-api");
  });

  it("sends no credential to a node whose panel certificate is not pinned", async () => {
    const result = await checkNode(target("127.12.2.1", key.line, ""), opts);
    expect(result.checks.map((c) => c.name)).not.toContain("virtualmin-api");
  });

  it("reports a self-signed panel certificate that is not the pinned one as an identity fault, sending nothing", async () => {
    const result = await checkNode(target("127.12.2.6", key.line), opts);
    expect(failures(result.checks)).toEqual([["virtualmin-api", "host-key"]]);
    expect(result.checks.find((c) => c.name === "virtualmin-api")!.detail).toMatch(/is not the pinned one; credentials not sent$/);
    await new Promise((r) => setTimeout(r, 200));
    expect(credentialsSent()).not.toContain("127.12.2.6");
  });

  it("reports a panel that refuses the node's own password as an authentication fault, not down", async () => {
    const result = await checkNode(target("127.12.2.5", key.line), opts);
    expect(failures(result.checks)).toEqual([["virtualmin-api", "auth"]]);
  });

  it("escapes the control characters of what a hostile node answers, so they reach no terminal, state file or alert", async () => {
    const result = await checkNode(target("127.12.2.7", key.line), opts);
    expect(result.checks.find((c) => c.name === "virtualmin-api")!.detail).toBe("virtualmin 7.30\\x1b]0;pwned\\x07\\x9b2J<!channel>");
  });

  it("reports a node without an address instead of checking it", async () => {
    const result = await checkNode({ ...target("x"), resolved: { problem: "no address: DNS has no address" } }, opts);
    expect(result.checks).toEqual([{ name: "address", ok: false, detail: "no address: DNS has no address", ms: 0, fault: "unresolved" }]);
  });
});
