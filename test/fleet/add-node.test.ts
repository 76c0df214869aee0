import { describe, expect, it } from "vitest";
import { insertNode } from "../../src/fleet/add-node";

const FLEET = `# Our fleet
defaults:
  size: cpx22 # the usual size
nodes:
  # Production
  prd-sha-het-de-fsn1-001:
    size: cpx32
  prd-sha-het-fi-hel1-001: {}
`;

describe("insertNode", () => {
  it("keeps every comment of the file", () => {
    const text = insertNode(FLEET, "prd-sha-het-de-fsn1-002", { size: "cpx22" });
    for (const comment of ["# Our fleet", "# the usual size", "# Production"]) expect(text).toContain(comment);
  });

  it("puts the node where it sorts among the others", () => {
    const text = insertNode(FLEET, "prd-sha-het-de-fsn1-002", { size: "cpx22", displayName: "Second" });
    expect(text).toContain("    size: cpx32\n  prd-sha-het-de-fsn1-002:\n    size: cpx22\n    displayName: Second\n  prd-sha-het-fi-hel1-001: {}");
  });

  it("appends a node that sorts last", () => {
    expect(insertNode(FLEET, "stg-sha-het-de-fsn1-001", {}).trimEnd().endsWith("  stg-sha-het-de-fsn1-001: {}")).toBe(true);
  });

  it("turns an empty flow map of nodes into a block", () => {
    expect(insertNode("nodes: {}\n", "dev-sha-het-de-fsn1-001", { size: "cx23" })).toBe("nodes:\n  dev-sha-het-de-fsn1-001:\n    size: cx23\n");
  });
});
