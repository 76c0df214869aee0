import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("replaces-once", () => {
  it("rejects two nodes replacing one node, at the second", () => {
    expect(issuesOf(validateFixture("replaces-conflicts.yaml"), "replaces-once")).toEqual([expect.objectContaining({
      line: 14, col: 15,
      message: 'prd-sha-het-de-nbg1-002 and prd-sha-het-de-nbg1-003 both replace "prd-sha-het-de-nbg1-001"; a node can be replaced by one node only',
    })]);
  });

  it("accepts one successor per node", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "replaces-once")).toEqual([]);
  });
});
