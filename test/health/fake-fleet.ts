import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatedFleet } from "../../src/bench/plan-bench";
import { fleet, scratchProject, type Run } from "../cli/run";
import { hostKey, startFakeNodes, type FakeMode } from "./fake-nodes";

/** The JSON document of `fleet health --json`. */
export interface HealthJson {
  healthy: boolean;
  nodes: { hostname: string; healthy: boolean; state: string; checks: { name: string; ok: boolean; detail: string; ms: number; fault?: string }[] }[];
}

/** A generated prd fleet of `count` nodes served by stand-ins on 127.12.<first>.x
 *  onwards, with a targets file pinning their host keys. A panel password comes only
 *  from the stack outputs, per node, so these runs leave the API check out. */
export async function startFakeFleet(count: number, first: number, mode: (i: number) => FakeMode) {
  const key = hostKey();
  const panel = { user: "node-fleet-api", password: "bench-pw", version: "7.30.8" };
  const address = (i: number) => `127.12.${first + Math.floor(i / 250)}.${1 + (i % 250)}`;
  const project = scratchProject({ "Pulumi.prd.yaml": join(__dirname, "../../Pulumi.prd.yaml") });
  const fleetText = generatedFleet(count);
  writeFileSync(join(project.dir, "fleet.yaml"), fleetText);
  const hostnames = [...fleetText.matchAll(/^ {2}(prd-[a-z0-9-]+):/gm)].map((m) => m[1]!);
  const targets = join(project.dir, "targets.json");
  writeFileSync(targets, JSON.stringify(Object.fromEntries(hostnames.map((h, i) => [h, { address: address(i), hostKey: key.line }]))));
  const stateDir = mkdtempSync(join(tmpdir(), "fleet-health-many-"));
  const nodes = await startFakeNodes(hostnames.map((_, i) => ({ address: address(i), hostKey: key, panel, mode: mode(i) })));
  return {
    /** The fleet's hostnames in generation order (`mode(i)` applies to the i-th). */
    hostnames,
    /** Runs `fleet health --json`; times it. */
    async check(...args: string[]): Promise<{ run: Run; report: HealthJson; seconds: number }> {
      const started = performance.now();
      const run = await fleet("health", "--stack", "prd", "--project", project.dir, "--targets", targets, "--state-dir", stateDir, "--json", ...args);
      return { run, report: JSON.parse(run.stdout) as HealthJson, seconds: (performance.now() - started) / 1000 };
    },
    /** The same, through the built `bin/fleet` in a process of its own (run `npm run build` first). */
    async checkProcess(...args: string[]): Promise<{ code: number | null; report: HealthJson; seconds: number; cpuSeconds: number }> {
      const started = performance.now();
      const run = spawnSync(process.execPath, ["--require", join(__dirname, "../../bench/report-cpu.cjs"), join(__dirname, "../../bin/fleet"), "health", "--stack", "prd", "--project", project.dir, "--targets", targets,
        "--state-dir", stateDir, "--json", ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
      const cpu = /bench-cpu user_ms=(\d+) system_ms=(\d+)/.exec(run.stderr);
      return { code: run.status, report: JSON.parse(run.stdout) as HealthJson, seconds: (performance.now() - started) / 1000,
        cpuSeconds: cpu ? (Number(cpu[1]) + Number(cpu[2])) / 1000 : NaN };
    },
    async stop(): Promise<void> {
      await nodes.stop();
      project.cleanup();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
