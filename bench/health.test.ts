import { cpus, loadavg } from "node:os";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeFleet } from "../test/health/fake-fleet";

// `npm run bench:health`: 1,000 answering loopback nodes, every check on
// (TCP 22/80/443/10000, SSH key exchange with the pinned key, TLS on 443 and
// 10000, Virtualmin `info`), through the built `fleet health --json` in a process
// of its own; the stand-ins run in another.
let fake: Awaited<ReturnType<typeof startFakeFleet>>;
beforeAll(async () => { fake = await startFakeFleet(1000, 110, () => "ok"); }, 120_000);
afterAll(async () => { await fake?.stop(); });

it("checks 1,000 answering nodes in under 10 seconds", async () => {
  const { code, report, seconds, cpuSeconds } = await fake.checkProcess("--timeout", "5");
  const slowest = Math.max(...report.nodes.flatMap((n) => n.checks.map((c) => c.ms)));
  console.log(`fleet health: ${report.nodes.length} nodes, ${report.nodes.reduce((s, n) => s + n.checks.length, 0)} checks in ${seconds.toFixed(2)} s ` +
    `(checker CPU ${cpuSeconds.toFixed(2)} s, load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores); slowest check ${slowest} ms`);
  expect(report.nodes.filter((n) => !n.healthy)).toEqual([]);
  expect(code).toBe(0);
  expect(seconds).toBeLessThan(10);
}, 120_000);
