import { describe, expect, it } from "vitest";
import { reprovisioned } from "../../src/rollout/changes";
import { splitDeferred } from "../../src/rollout/deferral";

describe("splitDeferred", () => {
  const hosts = ["a", "b", "c", "d"];

  it("defers a node the operator excluded", () => {
    expect(splitDeferred(hosts, [], ["b"])).toEqual({ eligible: ["a", "c", "d"], deferred: [{ hostname: "b", reason: "excluded (--exclude)" }] });
  });

  it("defers a node in maintenance and one with an open incident", () => {
    const result = splitDeferred(hosts, [{ hostname: "a", maintenance: true }, { hostname: "c", maintenance: false, openIncident: "c@2026-12-03T10:00:00.000Z" }], []);
    expect(result.eligible).toEqual(["b", "d"]);
    expect(result.deferred).toEqual([
      { hostname: "a", reason: "status: maintenance in the fleet file" },
      { hostname: "c", reason: "open incident c@2026-12-03T10:00:00.000Z" },
    ]);
  });
});

describe("reprovisioned", () => {
  it("names the deployed nodes whose configuration digest changes, sorted", () => {
    const recorded = [{ hostname: "c", urn: "u-c", digest: "1" }, { hostname: "a", urn: "u-a", digest: "1" }, { hostname: "b", urn: "u-b", digest: "2" }];
    const desired = new Map([["a", "2"], ["b", "2"], ["c", "2"], ["new", "2"]]);
    expect(reprovisioned(recorded, desired).map((s) => s.hostname)).toEqual(["a", "c"]);
  });

  it("leaves out a step whose recorded digest cannot be read (a state from before steps recorded it)", () => {
    expect(reprovisioned([{ hostname: "a", urn: "u-a" }], new Map([["a", "2"]]))).toEqual([]);
  });

  it("leaves out a node the fleet no longer declares (its removal is not a re-provision)", () => {
    expect(reprovisioned([{ hostname: "gone", urn: "u", digest: "1" }], new Map())).toEqual([]);
  });
});
