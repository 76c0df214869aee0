import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthCommand } from "../../src/cli/commands/health";
import { DEFAULT_SAFEGUARDS } from "../../src/health/safeguards";
import { fleet, scratchProject } from "../cli/run";
import { bundledCatalog } from "../helpers";
import { certificate, hostKey, startFakeNodes } from "./fake-nodes";

// Stand-ins on 127.12.6.0/24: 001 healthy, 002 hanging, hel1-001 refusing but in maintenance.
const ROOT = join(__dirname, "../..");
const key = hostKey();
const FLEET = `defaults: { size: cpx22 }
nodes:
  prd-sha-het-de-fsn1-001: { image: debian-12 }
  prd-sha-het-de-fsn1-002: { image: debian-12 }
  prd-sha-het-fi-hel1-001: { image: debian-12, status: maintenance }
  stg-sha-het-de-fsn1-001: { image: debian-12 }
`;
const created = "2026-01-01T00:00:00Z";
const panelCert = certificate(90);
const TARGETS = {
  "prd-sha-het-de-fsn1-001": { address: "127.12.6.1", hostKey: key.line, created, panelCertSha256: new X509Certificate(panelCert.cert).fingerprint256 },
  "prd-sha-het-de-fsn1-002": { address: "127.12.6.2", hostKey: key.line, created },
  "prd-sha-het-fi-hel1-001": { address: "127.12.6.3", created },
};
let project: ReturnType<typeof scratchProject>;
let state: string;
let stop: () => Promise<void>;
const args = () => ["--stack", "prd", "--project", project.dir, "--targets", join(project.dir, "targets.json"), "--state-dir", state, "--timeout", "1"];

beforeAll(async () => {
  project = scratchProject({ "Pulumi.prd.yaml": join(ROOT, "Pulumi.prd.yaml") });
  writeFileSync(join(project.dir, "fleet.yaml"), FLEET);
  writeFileSync(join(project.dir, "targets.json"), JSON.stringify(TARGETS));
  state = mkdtempSync(join(tmpdir(), "fleet-health-cli-"));
  ({ stop } = await startFakeNodes([{ address: "127.12.6.1", hostKey: key, cert: panelCert, panel: { user: "node-fleet-api", password: "from-outputs", version: "7.30.8" } },
    { address: "127.12.6.2", mode: "hang" }]));
});
afterAll(async () => {
  await stop();
  project.cleanup();
  rmSync(state, { recursive: true, force: true });
});

interface Report { healthy: boolean; nodes: { hostname: string; healthy: boolean; state: string; consecutiveFailures: number; checks: { name: string; ok: boolean; detail: string; ms: number }[] }[] }

describe("fleet health", () => {
  it("prints one JSON document with every node of the stack and exits 5 when one is unhealthy", async () => {
    const run = await fleet("health", ...args(), "--json");
    const report = JSON.parse(run.stdout) as Report;
    expect(report.nodes.map((n) => [n.hostname, n.healthy, n.state])).toEqual([
      ["prd-sha-het-de-fsn1-001", true, "ready"],
      ["prd-sha-het-de-fsn1-002", false, "failing"],
      ["prd-sha-het-fi-hel1-001", false, "maintenance"],
    ]);
    for (const check of report.nodes[0]!.checks) expect(Object.keys(check).sort()).toEqual(["detail", "ms", "name", "ok"]);
    expect(report.nodes[1]!.checks.find((c) => c.name === "ssh")).toMatchObject({ ok: false, detail: "no answer within 1000 ms" });
    expect(report.healthy).toBe(false);
    expect(run.code).toBe(5);
  });

  it("keeps counting failures across runs in the state directory", async () => {
    const run = await fleet("health", ...args(), "--json");
    expect((JSON.parse(run.stdout) as Report).nodes[1]!.consecutiveFailures).toBe(2);
    const saved = JSON.parse(readFileSync(join(state, "prd", "state.json"), "utf8")) as { nodes: { hostname: string; consecutiveFailures: number }[] };
    expect(saved.nodes.find((n) => n.hostname === "prd-sha-het-de-fsn1-002")!.consecutiveFailures).toBe(2);
  });

  it("prints a table and the failed checks on a terminal", async () => {
    const run = await fleet("health", ...args());
    expect(run.stdout.split("\n")[0]).toMatch(/^node\s+state\s+health\s+failures\s+incident$/);
    expect(run.stdout).toContain("prd-sha-het-de-fsn1-002 ssh: no answer within 1000 ms");
    expect(run.stderr).toContain("3 nodes checked, 2 unhealthy");
  });

  it("exits 0 when every node not in maintenance is healthy", async () => {
    const only = join(project.dir, "fleet-one.yaml");
    writeFileSync(only, "defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: { image: debian-12 }\n  prd-sha-het-fi-hel1-001: { image: debian-12, status: maintenance }\n");
    const onlyTargets = join(project.dir, "targets-one.json");
    const { "prd-sha-het-de-fsn1-002": _notInThisFleet, ...rest } = TARGETS;
    writeFileSync(onlyTargets, JSON.stringify(rest));
    const run = await fleet("health", ...args(), "--fleet", only, "--targets", onlyTargets, "--state-dir", join(state, "one"));
    expect(run.code).toBe(0);
  });

  it("refuses to run beside a --watch that holds the state directory", async () => {
    const watcher = spawn(process.execPath, [join(ROOT, "bin/fleet"), "health", ...args(), "--watch", "--interval", "5"], { stdio: ["ignore", "ignore", "pipe"] });
    await new Promise<void>((resolve) => watcher.stderr!.on("data", (c: Buffer) => { if (c.toString().includes("watching stack prd")) resolve(); }));
    const second = await fleet("health", ...args(), "--watch");
    const exited = new Promise<number | null>((r) => watcher.once("exit", (code) => r(code)));
    watcher.kill("SIGTERM");
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(new RegExp(`^fleet health: another \`fleet health --watch\` \\(pid ${watcher.pid}, since .*\\) is checking stack prd`));
    expect(await exited).toBe(0);
    const after = await fleet("health", ...args(), "--json");
    expect(after.code).toBe(5);
  });

  it("names a broken targets file", async () => {
    const bad = join(project.dir, "bad-targets.json");
    writeFileSync(bad, JSON.stringify({ "prd-sha-het-de-fsn1-001": { address: "127.12.6.1", hostKey: "ssh-rsa AAAA" } }));
    const run = await fleet("health", ...args(), "--targets", bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("bad-targets.json:1:1: error: prd-sha-het-de-fsn1-001.hostKey: must be an ssh-ed25519 public key line");
  });

  it("rejects an interval that is not a number", async () => {
    const run = await fleet("health", ...args(), "--watch", "--interval", "soon");
    expect(run.code).toBe(2);
  });
});

describe("fleet health --watch", () => {
  it("keeps watching through a round that fails on a broken fleet file, and stops on SIGTERM", async () => {
    const broken = join(project.dir, "broken.yaml");
    writeFileSync(broken, "nodes:\n  prd-sha-het-de-fsn1-001: { size: [ }\n");
    const err: string[] = [];
    let rounds = 0;
    const done = healthCommand({ out: () => undefined, err: (l) => {
      err.push(l);
      if (l.includes("this round failed") && ++rounds === 2) process.emit("SIGTERM");
    } }, bundledCatalog(), { stack: "prd", projectDir: project.dir, fleet: broken, stateDir: join(state, "watch"), json: true, watch: true,
      intervalSeconds: 0.05, heal: false, timeoutSeconds: 1, concurrency: 4, certDays: 14, safeguards: DEFAULT_SAFEGUARDS });
    expect(await done).toBe(0);
    expect(err.filter((l) => l.startsWith("fleet health: this round failed"))).toHaveLength(2);
    expect(err.some((l) => /broken\.yaml:2:\d+: error:/.test(l))).toBe(true);
  });
});

const unusedNodeOperations = {
  reprovision: () => Promise.reject(new Error("not expected without --heal")),
  rebuild: () => Promise.reject(new Error("not expected without --heal")),
};

describe("fleet health with the stack outputs connected", () => {
  it("takes addresses, pinned keys and the panel password from the address source", async () => {
    const out: string[] = [];
    const addresses = async () => new Map(Object.entries(TARGETS).map(([h, t]) => [h, { ...t, panelPassword: "from-outputs" }]));
    const code = await healthCommand({ out: (l) => out.push(l), err: () => undefined }, bundledCatalog(),
      { stack: "prd", projectDir: project.dir, stateDir: join(state, "outputs"), json: true, watch: false, intervalSeconds: 60, heal: false,
        timeoutSeconds: 1, concurrency: 4, certDays: 14, safeguards: DEFAULT_SAFEGUARDS }, { connect: async () => ({ addresses: { name: "stack outputs", addresses }, nodes: unusedNodeOperations }) }, {});
    const node = (JSON.parse(out[0]!) as Report).nodes[0]!;
    expect(node.checks.find((c) => c.name === "virtualmin-api")).toMatchObject({ ok: true, detail: "virtualmin 7.30.8" });
    expect(node.checks.find((c) => c.name === "ssh")!.detail).toContain("matches the pinned key");
    expect(code).toBe(5);
  });
});

describe("fleet health with a damaged state file", () => {
  it("stops with exit 1 and says how to start afresh", async () => {
    const dir = join(state, "damaged");
    await fleet("health", ...args(), "--state-dir", dir);
    writeFileSync(join(dir, "prd", "state.json"), "garbage\n");
    const run = await fleet("health", ...args(), "--state-dir", dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fleet health: .*state\.json is not a health state file \(.*\); move it aside to start afresh$/);
  });
});
