import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture, validateText } from "../../helpers";

describe("replaces-no-cycle", () => {
  it("rejects a cycle of replacements once, at its first node", () => {
    expect(issuesOf(validateFixture("replaces-conflicts.yaml"), "replaces-no-cycle")).toEqual([expect.objectContaining({
      line: 5, col: 15,
      message: "replaces forms a cycle: prd-sha-het-de-fsn1-001 → prd-sha-het-de-fsn1-002 → prd-sha-het-de-fsn1-003 → prd-sha-het-de-fsn1-001; " +
        "a chain of replacements must end at a node that replaces none",
    })]);
  });

  it("rejects two nodes replacing each other", () => {
    const issues = validateText("defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: { replaces: prd-sha-het-de-fsn1-002 }\n" +
      "  prd-sha-het-de-fsn1-002: { replaces: prd-sha-het-de-fsn1-001 }\n");
    expect(issuesOf(issues, "replaces-no-cycle")).toEqual([expect.objectContaining({ line: 3,
      message: expect.stringContaining("cycle: prd-sha-het-de-fsn1-001 → prd-sha-het-de-fsn1-002 → prd-sha-het-de-fsn1-001") })]);
  });

  it("accepts a chain that ends", () => {
    const issues = validateText("defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: {}\n" +
      "  prd-sha-het-de-fsn1-002: { replaces: prd-sha-het-de-fsn1-001 }\n  prd-sha-het-de-fsn1-003: { replaces: prd-sha-het-de-fsn1-002 }\n");
    expect(issuesOf(issues, "replaces-no-cycle")).toEqual([]);
  });
});
