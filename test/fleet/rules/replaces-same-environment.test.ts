import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("replaces-same-environment", () => {
  const issues = issuesOf(validateFixture("replaces-problems.yaml"), "replaces-same-environment");

  it("rejects replacing a node of another environment", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 6, col: 15,
      message: 'replaces "prd-sha-het-de-fsn1-001" from environment prd; a node may only replace one of its own environment (stg)',
    }));
  });

  it("rejects replacing a node that is not in the fleet", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 9, col: 15, message: 'replaces "prd-sha-het-de-fsn1-009", which is not a node in this fleet',
    }));
  });

  it("rejects a node replacing itself", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 12, col: 15, message: "prd-sha-het-de-fsn1-003 cannot replace itself" }));
  });

  it("accepts replacing a node of the same environment", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "replaces-same-environment")).toEqual([]);
  });
});
