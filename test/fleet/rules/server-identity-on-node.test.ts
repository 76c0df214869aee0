import { describe, expect, it } from "vitest";
import { issuesOf, validateText } from "../../helpers";

const rule = (text: string) => issuesOf(validateText(text), "server-identity-on-node");

describe("server-identity-on-node", () => {
  it("rejects an image in defaults, where one edit would rebuild every node inheriting it", () => {
    expect(rule("defaults:\n  size: cpx22\n  image: ubuntu-24.04\nnodes:\n  prd-sha-het-de-fsn1-001: { image: ubuntu-24.04 }\n")).toEqual([
      expect.objectContaining({ line: 3, col: 3, severity: "error",
        message: expect.stringContaining("image may not be set in defaults: changing it there would rebuild every node that inherits it") }),
    ]);
  });

  it("rejects a rebuild generation in defaults", () => {
    expect(rule("defaults: { size: cpx22, rebuild: 1 }\nnodes:\n  prd-sha-het-de-fsn1-001: { image: debian-12 }\n")).toEqual([
      expect.objectContaining({ line: 1, col: 26, message: expect.stringContaining("rebuild may not be set in defaults") }),
    ]);
  });

  it("requires each node to name its own image, pointing at the node", () => {
    expect(rule("defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: {}\n")).toEqual([
      expect.objectContaining({ line: 3, col: 3,
        message: "prd-sha-het-de-fsn1-001 has no image of its own; set one on the node, e.g. `image: debian-12`, so that no edit elsewhere can rebuild its server" }),
    ]);
  });

  it("accepts nodes that name their image and their rebuild generation", () => {
    expect(rule("defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: { image: debian-12, rebuild: 2 }\n")).toEqual([]);
  });
});
