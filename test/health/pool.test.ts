import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeFleet } from "./fake-fleet";

// 300 stand-in nodes on 127.12.100.1 onwards, every 20th one hanging (accepts
// connections, never answers). The timing figure for 1,000 answering nodes is
// `npm run bench:health` (bench/health.test.ts); this test runs beside the whole
// suite on a shared machine, so it proves the shape of the cost instead: a serial
// checker would need 15 × 8 s for the hanging nodes alone.
let fake: Awaited<ReturnType<typeof startFakeFleet>>;
beforeAll(async () => { fake = await startFakeFleet(300, 100, (i) => (i % 20 === 7 ? "hang" : "ok")); }, 120_000);
afterAll(async () => { await fake?.stop(); });

describe("the bounded pool", () => {
  it("checks every node once, and the hanging ones cost about one timeout together", async () => {
    const { run, report, seconds } = await fake.check("--timeout", "8");
    expect(report.nodes).toHaveLength(300);
    const sick = report.nodes.filter((n) => !n.healthy);
    expect(sick.map((n) => n.hostname).sort()).toEqual(fake.hostnames.filter((_, i) => i % 20 === 7).sort());
    for (const node of sick) {
      expect(node.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["ssh", "tls:443", "tls:10000"]);
      expect(node.checks.find((c) => c.name === "ssh")!.detail).toBe("no answer within 8000 ms");
    }
    expect(run.code).toBe(5);
    expect(seconds).toBeLessThan(40);
  }, 120_000);
});
