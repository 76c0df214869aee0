import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("panel-supports-node", () => {
  const issues = issuesOf(validateFixture("panel-problems.yaml"), "panel-supports-node");

  it("rejects an unknown panel", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 5, col: 12, message: 'panel "cpanel" is not known; allowed: virtualmin' }));
  });

  it("rejects a planned panel", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 7, col: 12, message: 'panel "blesta" (Blesta) is planned, not implemented yet; allowed: virtualmin',
    }));
  });

  it("rejects an image the panel does not support", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 9, col: 12, message: 'image "centos-7" is not supported by Virtualmin GPL; allowed: ubuntu-24.04, ubuntu-22.04, debian-12, debian-13',
    }));
  });

  it("accepts virtualmin on ubuntu-24.04 and debian-12", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "panel-supports-node")).toEqual([]);
  });
});
