import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generatedFleet } from "../bench/plan-bench";

const ROOT = resolve(__dirname, "../..");
const COUNT = 1000;

function timed(args: string[], cwd: string): { seconds: number; peakMb: number; stdout: string; status: number | null } {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", join(ROOT, "dist/bench/report-usage.js"), join(ROOT, "bin/fleet"), ...args],
    { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && run.status !== 10) throw new Error(`fleet ${args.join(" ")} failed:\n${run.stderr}`);
  return { seconds, peakMb: Number(/bench-usage maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024, stdout: run.stdout, status: run.status };
}

/** `npm run bench:diff`: on a 1,000-node prd fleet in a git repository, one full
 *  `fleet plan` against `fleet diff` with one node resized. The diff must cost a small
 *  fraction of the plan: it plans only the nodes whose resolved plans differ. */
function main(): void {
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

    const plan = timed(["plan", "--stack", "prd", "--json"], dir);
    const diff = timed(["diff", "--base", "HEAD", "--stack", "prd", "--json"], dir);
    const doc = JSON.parse(diff.stdout) as { stacks: { nodesPlanned: number }[]; nodes: { change: string }[] };
    const changed = doc.nodes.filter((n) => n.change !== "unchanged").length;
    if (changed !== 1) throw new Error(`expected one changed node, found ${changed}`);
    console.log(`nodes  command                      wall s  peak MB`);
    console.log(`${COUNT}  fleet plan (full)            ${plan.seconds.toFixed(1).padStart(6)}  ${plan.peakMb.toFixed(0).padStart(7)}`);
    console.log(`${COUNT}  fleet diff (1 node resized)  ${diff.seconds.toFixed(1).padStart(6)}  ${diff.peakMb.toFixed(0).padStart(7)}` +
      `   (${doc.stacks[0]?.nodesPlanned} node planned per revision; ${(100 * diff.seconds / plan.seconds).toFixed(0)}% of a full plan)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
