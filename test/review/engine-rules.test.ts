import { describe, expect, it } from "vitest";
import {
  containsUnknown, processIgnoreChanges, protectBlocksDelete, protectBlocksDependentReplace, protectBlocksReplace, replacementInputs, same,
  shouldTriggerReplace, topLevelInput, UNKNOWN_TEXT,
} from "../../src/review/engine-rules";

// The engine's rules one by one, as src/review/engine-rules.ts models them from
// pulumi/pulumi v3.248.0 pkg/resource/deploy/step_generator.go (shouldTriggerReplace,
// processIgnoreChanges, continueStepsFromDiff) and step.go (DeleteStep.Apply).

describe("containsUnknown", () => {
  it("finds a value not known until deployment at the top, in an array or deep in an object", () => {
    expect([UNKNOWN_TEXT, ["a", UNKNOWN_TEXT], { a: { b: [1, UNKNOWN_TEXT] } }].map(containsUnknown)).toEqual([true, true, true]);
  });

  it("finds none in known values, null included", () => {
    expect(["cpx22", 0, null, [], {}, ["a", { b: "c" }], { a: null }].map(containsUnknown)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe("shouldTriggerReplace (step_generator.go)", () => {
  it("always replaces when the trigger is unknown on either side, even deep inside it", () => {
    expect(shouldTriggerReplace(UNKNOWN_TEXT, 1)).toBe(true);
    expect(shouldTriggerReplace(1, { generation: [UNKNOWN_TEXT] })).toBe(true);
    expect(shouldTriggerReplace(null, UNKNOWN_TEXT)).toBe(true);
  });

  it("never replaces when either side has no trigger", () => {
    expect([[undefined, 1], [1, undefined], [null, 1], [1, null], [null, null]].map(([n, o]) => shouldTriggerReplace(n, o))).toEqual([false, false, false, false, false]);
  });

  it("replaces on a changed trigger and not on the same one, however its keys are ordered", () => {
    expect(shouldTriggerReplace(2, 1)).toBe(true);
    expect(shouldTriggerReplace({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(shouldTriggerReplace([1, 2], [2, 1])).toBe(true);
  });
});

describe("processIgnoreChanges (step_generator.go)", () => {
  it("takes each ignored input's old value at its top-level input, nested paths included", () => {
    expect(processIgnoreChanges({ labels: { env: "stg" }, publicNets: [{ ipv4: 2 }], image: "debian-12" },
      { labels: { env: "prd" }, publicNets: [{ ipv4: 1 }], image: "debian-11" }, ["labels.env", "publicNets[0].ipv4"]))
      .toEqual({ labels: { env: "prd" }, publicNets: [{ ipv4: 1 }], image: "debian-12" });
  });

  it("drops an ignored input the old state does not have", () => {
    expect(processIgnoreChanges({ userData: "b", image: "y" }, { image: "x" }, ["userData"])).toStrictEqual({ image: "y" });
  });

  it("leaves the program's inputs as they were", () => {
    const inputs = { userData: "b" };
    processIgnoreChanges(inputs, { userData: "a" }, ["userData"]);
    expect(inputs).toEqual({ userData: "b" });
  });
});

describe("topLevelInput", () => {
  it("is the input a path starts at", () => {
    expect(["userData", "labels.env", "publicNets[0].ipv4"].map(topLevelInput)).toEqual(["userData", "labels", "publicNets"]);
  });
});

describe("replacementInputs (continueStepsFromDiff)", () => {
  it("is the program's inputs as registered, in a copy", () => {
    const program = { location: "nbg1", userData: "new" };
    const taken = replacementInputs(program);
    expect(taken).toEqual({ location: "nbg1", userData: "new" });
    expect(taken).not.toBe(program);
  });
});

describe("protection", () => {
  it("blocks a replacement only when both the program and the state protect the resource", () => {
    expect([[true, true], [true, false], [false, true], [false, false]].map(([n, o]) => protectBlocksReplace(n!, o!))).toEqual([true, false, false, false]);
  });

  it("blocks a delete, and a delete-before-replace dependent, on the state's protection alone", () => {
    expect([protectBlocksDelete(true), protectBlocksDelete(false)]).toEqual([true, false]);
    expect([protectBlocksDependentReplace(true), protectBlocksDependentReplace(false)]).toEqual([true, false]);
  });
});

describe("same (PropertyValue.DeepEquals)", () => {
  it("compares objects whatever their keys' order, arrays in order", () => {
    expect(same({ a: [1, { x: 1, y: 2 }] }, { a: [1, { y: 2, x: 1 }] })).toBe(true);
    expect(same({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(same({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it("never takes a list for an object keyed by its positions", () => {
    expect(same(["fsn1"], { 0: "fsn1" })).toBe(false);
  });
});
