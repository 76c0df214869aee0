import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generatedFleet, watchTree } from "./plan-bench";
import { runScript } from "./run-script";

const ROOT = resolve(__dirname, "../..");
const COUNT = 1000;

/** One `fleet` run: wall time, and the peak memory of its whole process tree (both
 *  commands plan in worker processes, so the command's own peak would miss them). */
async function timed(args: string[], cwd: string): Promise<{ seconds: number; peakMb: number; stdout: string; status: number | null }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(ROOT, "bin/fleet"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  const { code: status, peak } = await watchTree(child);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== 0 && status !== 10) throw new Error(`fleet ${args.join(" ")} failed:\n${stderr}`);
  return { seconds, peakMb: peak.total / 1024, stdout, status };
}

/** `npm run bench:diff`: on a 1,000-node prd fleet in a git repository, one full
 *  `fleet plan` against `fleet diff` with one node resized. The diff must cost a small
 *  fraction of the plan: it plans only the nodes whose resolved plans differ. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-diff-bench-"));
  try {
    for (const name of ["catalog", "ansible", "Pulumi.prd.yaml"]) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    const fleet = generatedFleet(COUNT);
    writeFileSync(join(dir, "fleet.yaml"), fleet);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=bench@example.com", "-c", "user.name=bench", ...args], { cwd: dir });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "fleet");
    writeFileSync(join(dir, "fleet.yaml"), fleet.replace("prd-sha-het-de-fsn1-001: { size: cpx22,", "prd-sha-het-de-fsn1-001: { size: cpx32,"));

    const plan = await timed(["plan", "--stack", "prd", "--json"], dir);
    const diff = await timed(["diff", "--base", "HEAD", "--stack", "prd", "--json"], dir);
    const doc = JSON.parse(diff.stdout) as { stacks: { nodesPlanned: number }[]; nodes: { change: string }[] };
    const changed = doc.nodes.filter((n) => n.change !== "unchanged").length;
    if (changed !== 1) throw new Error(`expected one changed node, found ${changed}`);
    console.log(`nodes  command                      wall s  peak MB (all processes)`);
    console.log(`${COUNT}  fleet plan (full)            ${plan.seconds.toFixed(1).padStart(6)}  ${plan.peakMb.toFixed(0).padStart(7)}`);
    console.log(`${COUNT}  fleet diff (1 node resized)  ${diff.seconds.toFixed(1).padStart(6)}  ${diff.peakMb.toFixed(0).padStart(7)}` +
      `   (${doc.stacks[0]?.nodesPlanned} node planned per revision; ${(100 * diff.seconds / plan.seconds).toFixed(0)}% of a full plan)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runScript(module, main);
