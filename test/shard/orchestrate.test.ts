import { describe, expect, it } from "vitest";
import { overallExitCode, runShards } from "../../src/shard/orchestrate";

describe("runShards", () => {
  it("never runs more shards at once than the concurrency allows", async () => {
    let running = 0;
    let most = 0;
    await runShards(["a", "b", "c", "d", "e"], async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    }, { concurrency: 2, exitCodeOf: () => 3 });
    expect(most).toBe(2);
  });

  it("keeps running the other shards after one fails and returns results in the shards' order", async () => {
    const results = await runShards(["a", "b", "c"], async (s) => {
      if (s === "a") throw new Error("hcloud: rate limited\nmore detail");
      return s.toUpperCase();
    }, { concurrency: 1, exitCodeOf: () => 3 });
    expect(results.map((r) => [r.stack, r.ok, r.exitCode])).toEqual([["a", false, 3], ["b", true, 0], ["c", true, 0]]);
    expect(results[0]).toMatchObject({ message: "hcloud: rate limited" });
    expect(overallExitCode(results)).toBe(3);
  });

  it("refuses a concurrency below one", async () => {
    await expect(runShards(["a"], async () => 1, { concurrency: 0, exitCodeOf: () => 3 })).rejects.toThrow("concurrency must be a whole number from 1");
  });
});
