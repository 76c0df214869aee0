import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("type-implemented", () => {
  const all = validateFixture("type-not-implemented.yaml");

  it("rejects a reserved type and says only sha is implemented", () => {
    expect(issuesOf(all, "type-implemented")).toContainEqual(expect.objectContaining({
      line: 3, col: 7, message: 'node type "vps" (VPS Hosting) is reserved, not implemented yet; implemented: sha',
    }));
  });

  it("rejects an unknown type and lists implemented and reserved ones", () => {
    expect(issuesOf(all, "type-implemented")).toContainEqual(expect.objectContaining({
      line: 4, col: 7, message: 'node type "xyz" is not known; implemented: sha; reserved: vps, ctr, ded, app',
    }));
  });

  it("reports an unbuilt type once, not again as a panel problem", () => {
    expect(issuesOf(all, "panel-supports-node")).toEqual([]);
  });

  it("accepts sha", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "type-implemented")).toEqual([]);
  });
});
