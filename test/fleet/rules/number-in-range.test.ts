import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture, validateText } from "../../helpers";

describe("number-in-range", () => {
  it("rejects node number 000 at the number", () => {
    expect(issuesOf(validateFixture("number-zero.yaml"), "number-in-range")).toEqual([
      expect.objectContaining({ line: 3, col: 23, message: 'node number "000" is not allowed; allowed: 001-999' }),
    ]);
  });

  it("accepts 001 and 999", () => {
    const issues = validateText("defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: { image: debian-12 }\n  prd-sha-het-de-fsn1-999: { image: debian-12 }\n");
    expect(issues).toEqual([]);
  });
});
