import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runScript } from "./run-script";

const ROOT = resolve(__dirname, "../..");
const SIZES = [1000, 5000];
const REGIONS = [["de", "fsn1", "cpx22"], ["de", "nbg1", "cx33"], ["fi", "hel1", "cpx32"], ["us", "ash1", "ccx13"], ["us", "hil1", "cpx42"],
  ["sg", "sin1", "cpx22"]] as const;
const SAMPLE_MS = 50;

/** Hostnames one environment holds: every Hetzner region, numbers 001–999. */
const PER_ENVIRONMENT = REGIONS.length * 999;
const ENVIRONMENT_ORDER = ["prd", "stg", "dev"] as const;

/** A valid fleet of `count` nodes spread over Hetzner's regions and sizes: prd first,
 *  then stg and dev once prd's 5,994 names (6 regions × 999) are used. */
export function generatedFleet(count: number): string {
  const lines = ["nodes:"];
  for (let i = 0; i < count; i++) {
    const env = ENVIRONMENT_ORDER[Math.floor(i / PER_ENVIRONMENT)];
    if (env === undefined) throw new RangeError(`at most ${PER_ENVIRONMENT * ENVIRONMENT_ORDER.length} nodes have names`);
    const j = i % PER_ENVIRONMENT;
    const [country, region, size] = REGIONS[j % REGIONS.length]!;
    const number = String(Math.floor(j / REGIONS.length) + 1).padStart(3, "0");
    lines.push(`  ${env}-sha-het-${country}-${region}-${number}: { size: ${size}, image: ubuntu-24.04 }`);
  }
  return `${lines.join("\n")}\n`;
}

const TICKS_PER_SECOND = 100;

/** Resident memory of a process and all its descendants, in KB, and the CPU seconds they
 *  used (their own and their ended children's), from /proc (Linux). */
export function treeRssKb(pid: number): { total: number; largest: number; cpuSeconds: number } {
  let total = 0;
  let largest = 0;
  let ticks = 0;
  const visit = (p: number) => {
    let status: string;
    try {
      status = readFileSync(`/proc/${p}/status`, "utf8");
    } catch {
      return;
    }
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    // Fields after the command name: utime, stime, cutime, cstime are the 12th to 15th.
    const fields = readIfExists(`/proc/${p}/stat`).replace(/^.*\) /s, "").split(" ");
    ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    total += kb;
    largest = Math.max(largest, kb);
    for (const task of safeList(`/proc/${p}/task`)) {
      const children = readIfExists(`/proc/${p}/task/${task}/children`).trim();
      for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
    }
  };
  visit(pid);
  return { total, largest, cpuSeconds: ticks / TICKS_PER_SECOND };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Waits for a process to end, sampling the resident memory of its whole tree (a plan's
 *  workers included) every SAMPLE_MS: its exit code, the peaks in KB, and the CPU seconds
 *  seen by the last sample (at most SAMPLE_MS short; on a shared machine a truer measure
 *  of the work than wall time). */
export async function watchTree(child: ChildProcess): Promise<{ code: number | null; peak: { total: number; largest: number; cpuSeconds: number } }> {
  let peak = { total: 0, largest: 0, cpuSeconds: 0 };
  const sampler = setInterval(() => {
    const now = treeRssKb(child.pid!);
    peak = { total: Math.max(peak.total, now.total), largest: Math.max(peak.largest, now.largest), cpuSeconds: Math.max(peak.cpuSeconds, now.cpuSeconds) };
  }, SAMPLE_MS);
  const code = await new Promise<number | null>((done) => child.on("close", done));
  clearInterval(sampler);
  return { code, peak };
}

/** One `fleet plan --json` run: wall time, and the peak memory of the whole process
 *  tree (the command and its plan workers) sampled every SAMPLE_MS. */
async function measurePlan(count: number): Promise<{ seconds: number; peakTreeMb: number; peakProcessMb: number; resources: number }> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-bench-"));
  try {
    copyFileSync(join(ROOT, "Pulumi.prd.yaml"), join(dir, "Pulumi.prd.yaml"));
    writeFileSync(join(dir, "fleet.yaml"), generatedFleet(count));
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(ROOT, "bin/fleet"), "plan", "--stack", "prd", "--project", dir, "--json"],
      { stdio: ["ignore", "pipe", "pipe"] });
    // Only the summary is kept: the report itself is streamed and counted, not stored.
    let tail = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => { tail = (tail + chunk.toString()).slice(-200); });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    const { code, peak } = await watchTree(child);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`fleet plan failed for ${count} nodes:\n${stderr}`);
    const resources = Number(/"resourceCount": (\d+)/.exec(tail)?.[1] ?? NaN);
    return { seconds, peakTreeMb: peak.total / 1024, peakProcessMb: peak.largest / 1024, resources };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench`: `fleet plan --json` on generated fleets of 1,000 and 5,000 nodes. */
async function main(): Promise<void> {
  console.log("nodes  resources  wall s  peak MB (all processes)  peak MB (largest process)");
  for (const count of SIZES) {
    const m = await measurePlan(count);
    console.log(`${String(count).padStart(5)}  ${String(m.resources).padStart(9)}  ${m.seconds.toFixed(1).padStart(6)}  ` +
      `${m.peakTreeMb.toFixed(0).padStart(23)}  ${m.peakProcessMb.toFixed(0).padStart(25)}`);
  }
}

runScript(module, main);
