import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const SIZES = [1000, 5000];
const REGIONS = [["de", "fsn1", "cpx22"], ["de", "nbg1", "cx33"], ["fi", "hel1", "cpx32"], ["us", "ash1", "ccx13"], ["us", "hil1", "cpx42"],
  ["sg", "sin1", "cpx22"]] as const;
const SAMPLE_MS = 50;

/** A valid prd fleet of `count` nodes spread over Hetzner's regions and sizes. */
export function generatedFleet(count: number): string {
  const lines = ["nodes:"];
  for (let i = 0; i < count; i++) {
    const [country, region, size] = REGIONS[i % REGIONS.length]!;
    const number = String(Math.floor(i / REGIONS.length) + 1).padStart(3, "0");
    lines.push(`  prd-sha-het-${country}-${region}-${number}: { size: ${size}, image: ubuntu-24.04 }`);
  }
  return `${lines.join("\n")}\n`;
}

/** Resident memory of a process and all its descendants, in KB, from /proc (Linux). */
export function treeRssKb(pid: number): { total: number; largest: number } {
  let total = 0;
  let largest = 0;
  const visit = (p: number) => {
    let status: string;
    try {
      status = readFileSync(`/proc/${p}/status`, "utf8");
    } catch {
      return;
    }
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    total += kb;
    largest = Math.max(largest, kb);
    for (const task of safeList(`/proc/${p}/task`)) {
      const children = readIfExists(`/proc/${p}/task/${task}/children`).trim();
      for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
    }
  };
  visit(pid);
  return { total, largest };
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
 *  workers included) every SAMPLE_MS: its exit code and the peaks in KB. */
export async function watchTree(child: ChildProcess): Promise<{ code: number | null; peak: { total: number; largest: number } }> {
  let peak = { total: 0, largest: 0 };
  const sampler = setInterval(() => {
    const now = treeRssKb(child.pid!);
    peak = { total: Math.max(peak.total, now.total), largest: Math.max(peak.largest, now.largest) };
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

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
