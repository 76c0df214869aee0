import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeFleet } from "./fake-fleet";

// 1,000 stand-in nodes on 127.12.100.1 onwards, every 20th one hanging (accepts
// connections, never answers). The timing figure for 1,000 answering nodes is
// `npm run bench:health` (bench/health.test.ts): this machine is shared, so the
// test proves the shape of the cost instead — a serial checker would need
// 50 × 3 s for the hanging nodes alone.
let fake: Awaited<ReturnType<typeof startFakeFleet>>;
beforeAll(async () => { fake = await startFakeFleet(1000, 100, (i) => (i % 20 === 7 ? "hang" : "ok")); }, 120_000);
afterAll(async () => { await fake?.stop(); });

describe("fleet health on 1,000 nodes", () => {
  it("checks every node once, in about one timeout for all the hanging ones together", async () => {
    const { run, report, seconds } = await fake.check("--timeout", "3");
    expect(report.nodes).toHaveLength(1000);
    const sick = report.nodes.filter((n) => !n.healthy);
    expect(sick).toHaveLength(50);
    for (const node of sick) {
      expect(node.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["ssh", "tls:443", "tls:10000", "virtualmin-api"]);
      expect(node.checks.find((c) => c.name === "ssh")!.detail).toBe("no answer within 3000 ms");
    }
    expect(run.code).toBe(5);
    expect(seconds).toBeLessThan(40);
  }, 120_000);
});
