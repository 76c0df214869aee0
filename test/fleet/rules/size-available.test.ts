import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("size-available", () => {
  const all = validateFixture("size-problems.yaml");

  it("rejects a size the provider does not have, suggesting the closest", () => {
    expect(issuesOf(all, "size-available")).toContainEqual(expect.objectContaining({
      line: 3, col: 11, message: expect.stringMatching(/^size "cx99" is not a Hetzner Cloud size; did you mean "cx23"\?; allowed in fsn1: cx23, /),
    }));
  });

  it("rejects a CX size in a US location and lists what is sold there", () => {
    expect(issuesOf(all, "size-available")).toContainEqual(expect.objectContaining({
      line: 5, col: 11, message: expect.stringMatching(/^size "cx23" is not sold in ash1 \(Ashburn\); allowed there: cpx22, /),
    }));
  });

  it("only warns on a deprecated size, naming its successor", () => {
    expect(issuesOf(all, "size-deprecated")).toEqual([expect.objectContaining({
      line: 7, col: 11, severity: "warning", message: expect.stringContaining("its successor is cpx22"),
    })]);
  });

  it("requires a size from the node or the defaults", () => {
    expect(issuesOf(all, "size-available")).toContainEqual(expect.objectContaining({
      line: 8, col: 3, message: expect.stringContaining("prd-sha-het-de-fsn1-003 has no size; set size on the node or in defaults"),
    }));
  });

  it("points at defaults when the size came from there", () => {
    expect(issuesOf(validateFixture("size-from-defaults.yaml"), "size-available")).toEqual([
      expect.objectContaining({ line: 2, col: 9, message: expect.stringContaining('size "cx23" is not sold in hil1 (Hillsboro)') }),
    ]);
  });

  it("accepts current sizes sold in the node's location", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "size-available")).toEqual([]);
  });
});
