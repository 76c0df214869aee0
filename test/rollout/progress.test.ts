import { describe, expect, it } from "vitest";
import { remainingWaves, type RolloutRecord } from "../../src/rollout/progress";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/settings";

const record: RolloutRecord = {
  version: 1, stack: "prd", correlationId: "c-1", startedAt: "2026-12-03T10:00:00Z", state: "halted", wavesDone: 2, failed: { e: "provisioning failed" },
  waves: [
    { number: 1, name: "canary", hosts: ["a"], tolerated: 0 }, { number: 2, name: "5%", hosts: ["b"], tolerated: 1 },
    { number: 3, name: "25%", hosts: ["c", "d", "e"], tolerated: 1 }, { number: 4, name: "rest", hosts: ["f", "g"], tolerated: 1 },
  ],
};

describe("remainingWaves", () => {
  it("starts with the halted wave's nodes the change has not reached, then the later waves", () => {
    expect(remainingWaves(record, ["e", "f", "g"], ROLLOUT_DEFAULTS).map((w) => [w.name, w.hosts])).toEqual([["25%", ["e"]], ["rest", ["f", "g"]]]);
  });

  it("never runs a node of a wave that passed again", () => {
    expect(remainingWaves(record, ["b", "f"], ROLLOUT_DEFAULTS).map((w) => [w.name, w.hosts])).toEqual([["rest", ["f"]]]);
  });

  it("adds nodes the change reaches that the record does not hold to the last wave", () => {
    expect(remainingWaves(record, ["e", "h"], ROLLOUT_DEFAULTS).map((w) => [w.name, w.hosts])).toEqual([["25%", ["e"]], ["rest", ["h"]]]);
  });

  it("keeps the canary's zero tolerance when a rollout halted in its canary resumes", () => {
    const atCanary = { ...record, wavesDone: 0 };
    expect(remainingWaves(atCanary, ["a", "b"], ROLLOUT_DEFAULTS).map((w) => [w.name, w.tolerated])).toEqual([["canary", 0], ["5%", 1]]);
  });

  it("gives a wave after the canary its budget again when a resumed rollout halts and resumes once more", () => {
    const resumedOnce = { ...record, wavesDone: 0, waves: [{ number: 1, name: "25%", hosts: ["e"], tolerated: 1 }, { number: 2, name: "rest", hosts: ["f"], tolerated: 1 }] };
    expect(remainingWaves(resumedOnce, ["e", "f"], ROLLOUT_DEFAULTS).map((w) => [w.name, w.tolerated])).toEqual([["25%", 1], ["rest", 1]]);
  });
});
