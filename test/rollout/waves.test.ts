import { describe, expect, it } from "vitest";
import { ROLLOUT_DEFAULTS, RolloutSettingsSchema } from "../../src/rollout/settings";
import { planWaves, toleratedFailures } from "../../src/rollout/waves";

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `prd-sha-het-de-fsn1-${String(i + 1).padStart(3, "0")}`);

describe("planWaves", () => {
  it("splits 1,000 nodes into a canary, 5%, 25% and the rest", () => {
    const waves = planWaves(hosts(1000), ROLLOUT_DEFAULTS);
    expect(waves.map((w) => [w.name, w.hosts.length])).toEqual([["canary", 1], ["5%", 50], ["25%", 250], ["rest", 699]]);
  });

  it("runs every node exactly once, in the given order", () => {
    const all = hosts(40);
    expect(planWaves(all, ROLLOUT_DEFAULTS).flatMap((w) => w.hosts)).toEqual(all);
  });

  it("gives each configured wave at least one node and leaves out empty waves", () => {
    expect(planWaves(hosts(3), ROLLOUT_DEFAULTS).map((w) => [w.name, w.hosts.length])).toEqual([["canary", 1], ["5%", 1], ["25%", 1]]);
  });

  it("takes configured waves and canary size", () => {
    const settings = RolloutSettingsSchema.parse({ canary: 2, waves: [0.1] });
    expect(planWaves(hosts(20), settings).map((w) => w.hosts.length)).toEqual([2, 2, 16]);
  });

  it("plans nothing when no node changes", () => {
    expect(planWaves([], ROLLOUT_DEFAULTS)).toEqual([]);
  });
});

describe("toleratedFailures", () => {
  it("lets the canary fail no node", () => {
    expect(toleratedFailures(1, 0.02, true)).toBe(0);
  });

  it("tolerates 2% of a large wave", () => {
    expect(toleratedFailures(699, 0.02, false)).toBe(13);
  });

  it("tolerates at least one node of a small wave", () => {
    expect(toleratedFailures(10, 0.02, false)).toBe(1);
  });
});
