import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("unique-hostnames", () => {
  it("rejects a repeated hostname, naming both lines", () => {
    expect(issuesOf(validateFixture("duplicate-hostname.yaml"), "unique-hostnames")).toEqual([
      expect.objectContaining({
        line: 6, col: 3,
        message: 'duplicate hostname "prd-sha-het-de-fsn1-001" on lines 2 and 6; each node must appear once',
      }),
    ]);
  });

  it("accepts distinct hostnames", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "unique-hostnames")).toEqual([]);
  });
});
