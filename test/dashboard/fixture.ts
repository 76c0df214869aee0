import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateDir } from "../../src/health/store";
import type { NodeRecord } from "../../src/health/model";

/** A project with three prd nodes and what the CLI would have written about them: a
 *  health state and last round, an audit log of one deployment, and the stack outputs.
 *  Node 001's display name and node 002's health answer are hostile HTML. */
export const ROOT = join(__dirname, "../..");
export const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
export const HOSTILE_DETAIL = `<script>window.__pwned=3</script><b id="injected">bold</b>`;
export const A = "prd-sha-het-de-fsn1-001";
export const B = "prd-sha-het-de-fsn1-002";
export const M = "prd-sha-het-fi-hel1-001";
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

export const OUTPUTS = {
  environment: "prd",
  nodes: { [A]: { fqdn: `${A}.example.net`, ipv4: "203.0.113.10", ipv6: "2001:db8::10", serverId: "4711", size: "cpx22", hostPublicKey: HOST_KEY } },
};

export interface Fixture { readonly dir: string; readonly stateDir: string; readonly auditFile: string; cleanup(): void }

export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "fleet-dashboard-"));
  writeFileSync(join(dir, "Pulumi.prd.yaml"), readFileSync(join(ROOT, "Pulumi.prd.yaml"), "utf8"));
  writeFileSync(join(dir, "fleet.yaml"), `defaults: { size: cpx22 }
nodes:
  ${A}: { image: debian-12, displayName: '${HOSTILE_NAME}' }
  ${B}: { image: debian-12, displayName: Second shared host }
  ${M}: { image: debian-12, status: maintenance }
`);
  const stateDir = join(dir, "health");
  const store = new StateDir(join(stateDir, "prd"), "prd");
  const at = Date.parse("2026-12-03T10:00:00Z");
  const record = (hostname: string, state: NodeRecord["state"]): NodeRecord => ({
    hostname, state, generation: 0, graceUntil: 0, consecutiveFailures: state === "error" ? 5 : 0, lastCheckAt: at, history: [], actions: [],
  });
  store.save({ version: 1, stack: "prd", notified: {}, nodes: [
    record(A, "ready"),
    { ...record(B, "error"), incident: { id: `${B}@2026-12-03T09:40:00.000Z`, correlationId: "c-b", kind: "down", status: "recovering",
      openedAt: Date.parse("2026-12-03T09:40:00Z"), seen: ["tcp:22"], attempts: [{ step: "reprovision", at: Date.parse("2026-12-03T09:45:00Z"), ok: false, detail: "ssh: timed out" }] } },
    record(M, "maintenance"),
  ] });
  store.saveRound({ checkedAt: "2026-12-03T10:00:00.000Z", stack: "prd", healthy: false, nodes: [
    { hostname: A, healthy: true, state: "ready", consecutiveFailures: 0, checks: [{ name: "tcp:22", ok: true, detail: "open", ms: 12 }, { name: "tls:443", ok: true, detail: "64 days left (2027-02-05)", ms: 41 }] },
    { hostname: B, healthy: false, state: "error", consecutiveFailures: 5, checks: [{ name: "virtualmin-api", ok: false, detail: HOSTILE_DETAIL, ms: 230, fault: "down" }] },
    { hostname: M, healthy: false, state: "maintenance", consecutiveFailures: 0, checks: [] },
  ], backups: { ages: [{ hostname: A, ok: true, detail: "last off-node backup 3.2 h ago (snapshot 1a2b3c4d)", lastSuccessAt: "2026-12-03T06:48:00.000Z", ageHours: 3.2 }] } });

  const auditFile = join(dir, "audit", "audit.jsonl");
  mkdirSync(join(dir, "audit"));
  const base = { schema: "node-fleet.audit/v1", project: "node-fleet", stack: "prd", correlationId: "c-up-1", operation: "up", actor: { name: "ci", source: "ci" } };
  const phase = (n: number, type: string, phaseId: string, time: string, extra: Record<string, unknown> = {}) =>
    ({ ...base, id: `e${n}`, time, type, action: "x", node: A, phase: phaseId, ...extra });
  writeFileSync(auditFile, [
    { ...base, id: "e0", time: "2026-11-20T08:00:00.000Z", type: "operation.started", action: "fleet_up_started" },
    phase(1, "phase.started", "serverCreated", "2026-11-20T08:00:05.000Z"),
    phase(2, "phase.succeeded", "serverCreated", "2026-11-20T08:00:40.000Z", { durationSeconds: 35 }),
    phase(3, "phase.succeeded", "dnsConfigured", "2026-11-20T08:00:52.000Z", { durationSeconds: 12 }),
    phase(4, "phase.succeeded", "baseConfigured", "2026-11-20T08:04:00.000Z", { durationSeconds: 188 }),
    phase(5, "phase.failed", "panelInstalled", "2026-11-20T08:12:00.000Z", { durationSeconds: 480, message: "apt: unable to fetch virtualmin" }),
    { ...base, id: "e6", time: "2026-11-20T08:12:01.000Z", type: "operation.failed", action: "fleet_up_failed", durationSeconds: 716, message: "1 node failed" },
    { ...base, stack: "stg", id: "e7", time: "2026-11-21T08:00:00.000Z", type: "phase.started", action: "x", node: A, phase: "serverCreated", correlationId: "other-stack" },
  ].map((e) => JSON.stringify(e)).join("\n") + "\nnot json\n");
  return { dir, stateDir, auditFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
