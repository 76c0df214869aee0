import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("environment-known", () => {
  it("rejects an environment other than prd, stg, dev", () => {
    expect(issuesOf(validateFixture("unknown-environment.yaml"), "environment-known")).toEqual([
      expect.objectContaining({ line: 3, col: 3, message: 'environment "tst" is not known; allowed: prd, stg, dev' }),
    ]);
  });

  it("accepts prd, stg and dev", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "environment-known")).toEqual([]);
  });
});
