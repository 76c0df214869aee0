import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNode } from "../../src/health/check-node";
import { readServerIdentity, sameHostKey } from "../../src/health/probes/ssh-host-key";
import type { HealthTarget } from "../../src/health/types";
import { startTestHost, type TestHost } from "../ansible/test-host";
import { hostKey } from "./fake-nodes";

// The real OpenSSH of a disposable Debian 12 host (its own network namespace),
// booted with the stack's cloud-init and a pinned host key, as on Hetzner.
let host: TestHost;
beforeAll(async () => { host = await startTestHost("prd-sha-het-de-fsn1-001", "prd-sha-het-de-fsn1-001.infra.example.com"); }, 600_000);
afterAll(async () => { await host?.stop(); }, 60_000);

const target = (pinned: string): HealthTarget => ({
  hostname: host.hostname, fqdn: host.fqdn, generation: 0, maintenance: false, autoRebuild: false, protect: true,
  panelUser: "fleet-api", resolved: { address: host.address, hostKey: pinned },
});

describe("host key check against a real sshd", () => {
  it("completes a key exchange with OpenSSH and reads the pinned ed25519 key", async () => {
    const id = await readServerIdentity(host.address, 22, 5000);
    expect(id.banner).toMatch(/^SSH-2\.0-OpenSSH_9\.2p1 Debian/);
    expect(sameHostKey(id.hostKey, host.hostPublicKey)).toBe(true);
  });

  it("agrees with ssh-keyscan on the key", async () => {
    const scanned = execFileSync("ssh-keyscan", ["-T", "5", "-t", "ed25519", host.address], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const line = scanned.split("\n").find((l) => l.includes("ssh-ed25519"))!.split(" ").slice(1).join(" ");
    const id = await readServerIdentity(host.address, 22, 5000);
    expect(sameHostKey(id.hostKey, line)).toBe(true);
  });

  it("passes the ssh check with the pinned key, and fails it as a host key incident with another", async () => {
    const pinned = await checkNode(target(host.hostPublicKey), { timeoutMs: 5000, certWarnDays: 14 });
    expect(pinned.checks.find((c) => c.name === "ssh")).toMatchObject({ ok: true, detail: expect.stringContaining("matches the pinned key") });
    const other = await checkNode(target(hostKey().line), { timeoutMs: 5000, certWarnDays: 14 });
    expect(other.checks.find((c) => c.name === "ssh")).toMatchObject({ ok: false, fault: "host-key", detail: expect.stringContaining("HOST KEY CHANGED") });
  });
});
