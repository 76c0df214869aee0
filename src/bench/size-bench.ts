import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generatedFleet, watchTree } from "./plan-bench";
import { runScript } from "./run-script";

const ROOT = resolve(__dirname, "../..");
const COUNT = 10_000;
const STARTS = 5;

interface Measured {
  readonly seconds: number;
  readonly peakMb: number;
  readonly cpuSeconds: number;
  readonly stdoutBytes: number;
  readonly stdoutTail: string;
  readonly code: number | null;
}

/** One `fleet` process: wall time, peak memory of its whole process tree (plan workers
 *  included), and how much it printed (kept only as a count and a tail). */
async function measure(args: readonly string[], cwd: string, keepStdout = false): Promise<Measured & { stdout: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(ROOT, "bin/fleet"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let bytes = 0;
  let tail = "";
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    tail = (tail + chunk.toString()).slice(-400);
    if (keepStdout) stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const { code, peak } = await watchTree(child);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0 && code !== 10) throw new Error(`fleet ${args.join(" ")} failed (exit ${code}):\n${stderr}`);
  return { seconds, peakMb: peak.total / 1024, cpuSeconds: peak.cpuSeconds, stdoutBytes: bytes, stdoutTail: tail, code, stdout };
}

/** The fastest of several runs: a start time is a floor, and this machine is shared. */
async function fastest(args: readonly string[], cwd: string): Promise<Measured> {
  let best: Measured | undefined;
  for (let i = 0; i < STARTS; i++) {
    const m = await measure(args, cwd);
    if (!best || m.seconds < best.seconds) best = m;
  }
  return best!;
}

function row(what: string, m: { seconds: number; cpuSeconds: number; peakMb: number }, note = ""): string {
  return `${what.padEnd(44)} ${m.seconds.toFixed(2).padStart(8)}  ${m.cpuSeconds.toFixed(2).padStart(6)}  ${m.peakMb.toFixed(0).padStart(7)}  ${note}`;
}

/** `npm run bench:size`: a generated 10,000-node fleet (prd 5,994 + stg 4,006, the most
 *  names six Hetzner regions give prd) in a git repository: the CLI's start, `fleet
 *  validate`, `fleet diff` of one resized node, and `fleet plan` of every node, with
 *  wall time and the peak memory of the whole process tree. The plan's JSON gives the
 *  checkpoint estimate per node (docs/sharding.md). */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-size-bench-"));
  try {
    for (const name of ["catalog", "ansible", "Pulumi.yaml", "Pulumi.prd.yaml", "Pulumi.stg.yaml"]) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    const fleet = generatedFleet(COUNT);
    writeFileSync(join(dir, "fleet.yaml"), fleet);
    writeFileSync(join(dir, "small.yaml"), generatedFleet(5));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=bench@example.com", "-c", "user.name=bench", ...args], { cwd: dir });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "fleet");

    console.log(`${"command".padEnd(44)} ${"wall s".padStart(8)}  ${"CPU s".padStart(6)}  ${"peak MB".padStart(7)}  (CPU and peak over all processes)`);
    console.log(row("fleet --help (fastest of 5)", await fastest(["--help"], dir)));
    console.log(row("fleet validate, 5 nodes (fastest of 5)", await fastest(["validate", "small.yaml"], dir)));
    console.log(row(`fleet validate, ${COUNT} nodes`, await measure(["validate", "fleet.yaml"], dir)));

    writeFileSync(join(dir, "fleet.yaml"), fleet.replace("prd-sha-het-de-fsn1-001: { size: cpx22,", "prd-sha-het-de-fsn1-001: { size: cpx32,"));
    const diff = await measure(["diff", "--base", "HEAD", "--json"], dir, true);
    const doc = JSON.parse(diff.stdout) as { nodes: { change: string }[]; stacks: { stack: string; nodesPlanned: number }[] };
    const changed = doc.nodes.filter((n) => n.change !== "unchanged").length;
    if (changed !== 1) throw new Error(`expected one changed node, found ${changed}`);
    console.log(row(`fleet diff, 1 of ${COUNT} nodes resized`, diff, `(${doc.stacks.map((s) => `${s.stack}: ${s.nodesPlanned} planned`).join(", ")})`));
    git("checkout", "-q", "fleet.yaml");

    let total = { seconds: 0, cpuSeconds: 0, peakMb: 0 };
    let resources = 0;
    let bytes = 0;
    for (const stack of ["prd", "stg"]) {
      const plan = await measure(["plan", "--stack", stack, "--json"], dir);
      resources += Number(/"resourceCount": (\d+)/.exec(plan.stdoutTail)?.[1] ?? NaN);
      bytes += plan.stdoutBytes;
      total = { seconds: total.seconds + plan.seconds, cpuSeconds: total.cpuSeconds + plan.cpuSeconds, peakMb: Math.max(total.peakMb, plan.peakMb) };
      console.log(row(`fleet plan --stack ${stack}`, plan));
    }
    console.log(row(`fleet plan, all ${COUNT} nodes (both stacks)`, total, `(${resources} resources)`));
    console.log(`recorded plan: ${(bytes / COUNT / 1024).toFixed(1)} KB of JSON and ${(resources / COUNT).toFixed(1)} resources per node`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runScript(module, main);
