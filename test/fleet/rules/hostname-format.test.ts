import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("hostname-format", () => {
  const issues = issuesOf(validateFixture("hostname-format.yaml"), "hostname-format");

  it("rejects a hostname that is not 23 characters, at the start of the key", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 3, col: 3, message: expect.stringContaining("expected 23 characters in 6 dash-separated fields"),
    }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 4, col: 3, message: expect.stringContaining("found 24 characters") }));
  });

  it("rejects uppercase and says the lowercase name", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 5, col: 3, message: 'hostname "Prd-sha-het-de-fsn1-001" must be lowercase; expected "prd-sha-het-de-fsn1-001"',
    }));
  });

  it("points at the field whose shape is wrong", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 6, col: 18, message: expect.stringContaining('region "fsnx" in hostname "prd-sha-het-de-fsnx-001" must be 3 letters and a digit'),
    }));
  });

  it("accepts every hostname of a valid fleet", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "hostname-format")).toEqual([]);
  });
});
