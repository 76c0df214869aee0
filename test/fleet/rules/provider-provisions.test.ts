import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture } from "../../helpers";

describe("provider-provisions", () => {
  const issues = issuesOf(validateFixture("provider-not-provisioning.yaml"), "provider-provisions");

  it("rejects a valid DigitalOcean name, saying only het provisions today", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 3, col: 11, message: 'provider "dig" (DigitalOcean) cannot be provisioned yet; only het provisions today',
    }));
  });

  it("rejects an unknown provider code and lists the known ones", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 4, col: 11, message: 'provider "abc" is not known; known: het, dig, vul, lin, aws, gcp; provisioning: het',
    }));
  });

  it("accepts het", () => {
    expect(issuesOf(validateFixture("valid.yaml"), "provider-provisions")).toEqual([]);
  });
});
