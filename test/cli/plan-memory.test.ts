import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { treeRssKb } from "../../src/bench/plan-bench";

const ROOT = join(__dirname, "../..");
const NODES = 400;

it(`plans ${NODES} nodes in worker processes of bounded size: none above 350 MB`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "memory-"));
  cpSync(join(ROOT, "Pulumi.prd.yaml"), join(dir, "Pulumi.prd.yaml"));
  writeFileSync(join(dir, "fleet.yaml"), `nodes:\n${Array.from({ length: NODES }, (_, i) =>
    `  prd-sha-het-de-fsn1-${String(i + 1).padStart(3, "0")}: { size: cpx22, image: debian-12 }`).join("\n")}\n`);
  const child = spawn(join(ROOT, "bin/fleet"), ["plan", "--project", dir, "--json"], { stdio: ["ignore", "pipe", "ignore"] });
  let largestKb = 0;
  const sampler = setInterval(() => { largestKb = Math.max(largestKb, treeRssKb(child.pid!).largest); }, 50);
  let bytes = 0;
  child.stdout.on("data", (chunk: Buffer) => { bytes += chunk.length; });
  const [code] = (await once(child, "close")) as [number | null];
  clearInterval(sampler);
  expect([code, bytes > NODES * 1000]).toEqual([0, true]);
  expect(largestKb / 1024).toBeLessThan(350);
}, 300_000);
