import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNode } from "../../src/health/check-node";
import type { HealthTarget } from "../../src/health/types";
import { certificate, hostKey, startFakeNodes } from "./fake-nodes";

// Listeners on 127.12.2.0/24.
const key = hostKey();
const panel = { user: "fleet-api", password: "pw-123", version: "7.30.8" };
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ stop } = await startFakeNodes([
    { address: "127.12.2.1", hostKey: key, panel },
    { address: "127.12.2.2", hostKey: key, panel, cert: certificate(5) },
    { address: "127.12.2.3", mode: "hang" },
    { address: "127.12.2.4", hostKey: key, panel: { ...panel, version: "7.30\x1b]0;pwned\x07\x9b2J<!channel>" } },
  ]));
});
afterAll(async () => { await stop(); });

const target = (address: string, pinned?: string): HealthTarget => ({
  hostname: "prd-sha-het-de-fsn1-001", fqdn: "prd-sha-het-de-fsn1-001.infra.example.com", generation: 0,
  maintenance: false, autoRebuild: false, protect: true, panelUser: "fleet-api",
  resolved: { address, ...(pinned ? { hostKey: pinned } : {}) },
});
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
    const result = await checkNode(target("127.12.2.2", key.line), opts);
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
      [["ssh", "down"], ["tls:443", "down"], ["tls:10000", "down"], ["virtualmin-api", "down"]]);
    expect(elapsed).toBeGreaterThanOrEqual(1450);
    expect(elapsed).toBeLessThan(2500);
  });

  it("reports a refusing node as down on every port without waiting", async () => {
    const started = Date.now();
    const result = await checkNode(target("127.12.2.9"), opts);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.checks.every((c) => !c.ok && c.fault === "down" && c.detail === "refused")).toBe(true);
  });

  it("escapes the control characters of what a hostile node answers, so they reach no terminal, state file or alert", async () => {
    const result = await checkNode(target("127.12.2.4", key.line), opts);
    expect(result.checks.find((c) => c.name === "virtualmin-api")!.detail).toBe("virtualmin 7.30\\x1b]0;pwned\\x07\\x9b2J<!channel>");
  });

  it("reports a node without an address instead of checking it", async () => {
    const result = await checkNode({ ...target("x"), resolved: { problem: "no address: DNS has no address" } }, opts);
    expect(result.checks).toEqual([{ name: "address", ok: false, detail: "no address: DNS has no address", ms: 0, fault: "unresolved" }]);
  });
});
