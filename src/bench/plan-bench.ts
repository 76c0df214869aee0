import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const SIZES = [10, 100, 1000];
const REGIONS = [["de", "fsn1", "cpx22"], ["de", "nbg1", "cx33"], ["fi", "hel1", "cpx32"], ["us", "ash1", "ccx13"], ["us", "hil1", "cpx42"]] as const;

/** A valid prd fleet of `count` nodes spread over Hetzner's regions and sizes. */
export function generatedFleet(count: number): string {
  const lines = ["defaults: { image: ubuntu-24.04 }", "nodes:"];
  for (let i = 0; i < count; i++) {
    const [country, region, size] = REGIONS[i % REGIONS.length]!;
    const number = String(Math.floor(i / REGIONS.length) + 1).padStart(3, "0");
    lines.push(`  prd-sha-het-${country}-${region}-${number}: { size: ${size} }`);
  }
  return `${lines.join("\n")}\n`;
}

/** `npm run bench`: `fleet plan --json` on generated fleets; wall time and peak memory. */
function main(): void {
  console.log("nodes  resources  wall s  peak MB  €/month");
  for (const count of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), "fleet-bench-"));
    try {
      copyFileSync(join(ROOT, "Pulumi.prd.yaml"), join(dir, "Pulumi.prd.yaml"));
      writeFileSync(join(dir, "fleet.yaml"), generatedFleet(count));
      const started = process.hrtime.bigint();
      const run = spawnSync(process.execPath, ["--require", join(__dirname, "report-usage.js"), join(ROOT, "bin/fleet"),
        "plan", "--stack", "prd", "--project", dir, "--json"], { encoding: "utf8", maxBuffer: 1 << 30 });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (run.status !== 0) throw new Error(`fleet plan failed for ${count} nodes:\n${run.stderr}`);
      const peakKb = Number(/bench-usage maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN);
      const plan = JSON.parse(run.stdout) as { nodes: unknown[]; resourceCount: number; totalMonthlyCostEur: number };
      if (plan.nodes.length !== count) throw new Error(`expected ${count} nodes in the plan, found ${plan.nodes.length}`);
      console.log(`${String(count).padStart(5)}  ${String(plan.resourceCount).padStart(9)}  ${seconds.toFixed(1).padStart(6)}  ` +
        `${(peakKb / 1024).toFixed(0).padStart(7)}  ${plan.totalMonthlyCostEur.toFixed(2).padStart(7)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (require.main === module) main();
