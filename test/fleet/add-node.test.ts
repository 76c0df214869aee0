import { describe, expect, it } from "vitest";
import { insertNode } from "../../src/fleet/add-node";
import type { NodeFields } from "../../src/fleet/schema";
import { addedLines } from "./added-lines";

const FLEET = `# Our fleet
defaults:
  size: cpx22 # the usual size
nodes:
  # Production
  prd-sha-het-de-fsn1-001:
    size: cpx32
  prd-sha-het-fi-hel1-001: {}
`;

function inserted(text: string, hostname: string, fields: NodeFields = { size: "cpx22" }): string {
  const result = insertNode(text, hostname, fields);
  if ("error" in result) throw new Error(result.error);
  return result.text;
}

describe("insertNode", () => {
  it("puts the node where it sorts among the others", () => {
    const text = inserted(FLEET, "prd-sha-het-de-fsn1-002", { size: "cpx22", displayName: "Second" });
    expect(addedLines(FLEET, text)).toEqual(["  prd-sha-het-de-fsn1-002:", "    size: cpx22", "    displayName: Second"]);
    expect(text).toContain("    size: cpx32\n  prd-sha-het-de-fsn1-002:");
  });

  it("appends a node that sorts last", () => {
    expect(inserted(FLEET, "stg-sha-het-de-fsn1-001", {}).endsWith("  prd-sha-het-fi-hel1-001: {}\n  stg-sha-het-de-fsn1-001: {}\n")).toBe(true);
  });

  it("goes above the comment and blank line that introduce the next node", () => {
    const text = "nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cpx32\n    # a note on 001\n\n  # Staging\n  stg-sha-het-de-fsn1-001: {}\n";
    expect(inserted(text, "prd-sha-het-de-fsn1-002")).toBe(
      "nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cpx32\n    # a note on 001\n\n  prd-sha-het-de-fsn1-002:\n    size: cpx22\n\n  # Staging\n  stg-sha-het-de-fsn1-001: {}\n");
  });

  it("keeps CRLF line ends, a byte-order mark, 4-space indentation, flow maps and folded text byte for byte", () => {
    const text = "\uFEFFdefaults:\r\n    size: cpx22\r\nnodes:\r\n    prd-sha-het-de-fsn1-001:\r\n        displayName: >\r\n" +
      "            folded\r\n            text\r\n    stg-sha-het-de-fsn1-001: { size: cx23,  image: debian-12 }\r\n";
    expect(inserted(text, "prd-sha-het-de-fsn1-002", { size: "cpx22", displayName: "Two" })).toBe(
      "\uFEFFdefaults:\r\n    size: cpx22\r\nnodes:\r\n    prd-sha-het-de-fsn1-001:\r\n        displayName: >\r\n" +
      "            folded\r\n            text\r\n    prd-sha-het-de-fsn1-002:\r\n        size: cpx22\r\n        displayName: Two\r\n" +
      "    stg-sha-het-de-fsn1-001: { size: cx23,  image: debian-12 }\r\n");
  });

  it("adds one entry to a flow map of nodes", () => {
    expect(inserted("nodes: { prd-sha-het-de-fsn1-001: {size: cx23}, stg-sha-het-de-fsn1-001: {} }\n", "prd-sha-het-de-fsn1-002"))
      .toBe("nodes: { prd-sha-het-de-fsn1-001: {size: cx23}, prd-sha-het-de-fsn1-002: { size: cpx22 }, stg-sha-het-de-fsn1-001: {} }\n");
  });

  it("quotes a display name that YAML would read differently", () => {
    expect(inserted(FLEET, "stg-sha-het-de-fsn1-001", { displayName: "Web: #2" })).toContain('    displayName: "Web: #2"\n');
  });

  it("keeps a file without a final line break that way", () => {
    expect(inserted("nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cx23", "prd-sha-het-de-fsn1-002"))
      .toBe("nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cx23\n  prd-sha-het-de-fsn1-002:\n    size: cpx22");
  });

  it("keeps a trailing comment of the last node with it and a closing comment at the end", () => {
    expect(inserted("nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cx23\n    # note\n# end\n", "stg-sha-het-de-fsn1-001"))
      .toBe("nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cx23\n    # note\n  stg-sha-het-de-fsn1-001:\n    size: cpx22\n# end\n");
  });

  it("turns an empty flow map of nodes into a block", () => {
    expect(inserted("nodes: {}\n", "dev-sha-het-de-fsn1-001", { size: "cx23" })).toBe("nodes:\n  dev-sha-het-de-fsn1-001:\n    size: cx23\n");
  });

  it("keeps a comment after an empty map of nodes on its line", () => {
    expect(inserted("nodes: {} # none yet\n", "dev-sha-het-de-fsn1-001", { size: "cx23" })).toBe("nodes: # none yet\n  dev-sha-het-de-fsn1-001:\n    size: cx23\n");
  });

  it("refuses a layout it cannot extend by adding lines (line ends that are a lone CR)", () => {
    expect(insertNode("nodes:\r  prd-sha-het-de-fsn1-001: {}\r", "prd-sha-het-de-fsn1-002", {})).toEqual({
      error: "cannot add the node without changing other lines of this file's layout; add it by hand" });
  });

  it("refuses a file without a map of nodes", () => {
    expect(insertNode("nodes: [a]\n", "dev-sha-het-de-fsn1-001", {})).toEqual({ error: "the fleet file has no `nodes:` map to add to" });
  });
});
