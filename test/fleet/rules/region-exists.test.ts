import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("region-exists", () => {
  it("rejects a region the provider does not have and lists its regions", () => {
    expect(issuesOf(validateFixture("unknown-region.yaml"), "region-exists")).toEqual([
      expect.objectContaining({ line: 3, col: 18, message: 'region "fsn9" is not a het region; allowed: fsn1, nbg1, hel1, ash1, hil1, sin1' }),
    ]);
  });

  it("accepts fsn1, hel1, ash1 and nbg1", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "region-exists")).toEqual([]);
  });
});
