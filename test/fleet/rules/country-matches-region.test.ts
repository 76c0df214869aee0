import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("country-matches-region", () => {
  it("rejects a country that is not the region's", () => {
    expect(issuesOf(validateFixture("country-mismatch.yaml"), "country-matches-region")).toEqual([
      expect.objectContaining({ line: 3, col: 15, message: 'country "us" does not match region fsn1 (Falkenstein); expected "de"' }),
    ]);
  });

  it("accepts de/fsn1, fi/hel1 and us/ash1", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "country-matches-region")).toEqual([]);
  });
});
