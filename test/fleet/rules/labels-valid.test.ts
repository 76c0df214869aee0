import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("labels-valid", () => {
  const issues = issuesOf(validateFixture("bad-labels.yaml"), "labels-valid");

  it("rejects a key node-fleet sets itself", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 6, col: 7, message: expect.stringContaining('label "env" is set by node-fleet') }));
  });

  it("rejects a key Hetzner would refuse", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 7, col: 7, message: expect.stringContaining('label key "-bad-key" is not valid for Hetzner') }));
  });

  it("rejects a value with a space, at the value", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 8, col: 13, message: expect.stringContaining('label value "gold plated" of "tier"') }));
  });

  it("accepts a prefixed key", () => {
    expect(issues.filter((i) => i.line === 9)).toEqual([]);
  });
});
