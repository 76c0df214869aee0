import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataOf, parseYamlSource } from "../../src/source/yaml-source";
import { FIXTURES } from "../helpers";

function issuesOf(text: string) {
  return parseYamlSource("f.yaml", text).issues.map(({ line, col, code, message }) => ({ line, col, code, message }));
}

function hostile(name: string) {
  return issuesOf(readFileSync(join(FIXTURES, "hostile", name), "utf8"));
}

describe("parseYamlSource", () => {
  it("names both lines of a duplicate key, at any depth and in flow maps", () => {
    expect(issuesOf("nodes:\n  a:\n    size: x\n    size: y\nb: { c: 1, c: 2 }\n")).toEqual([
      { line: 4, col: 5, code: "duplicate-key", message: 'duplicate key "size" in nodes.a on lines 3 and 4; YAML would silently keep only the last one' },
      { line: 5, col: 12, code: "duplicate-key", message: 'duplicate key "c" in b on lines 5 and 5; YAML would silently keep only the last one' },
    ]);
  });

  it("refuses a second nodes: block instead of dropping the first", () => {
    expect(hostile("second-nodes.yaml")).toEqual([
      { line: 8, col: 1, code: "duplicate-key", message: 'duplicate key "nodes" on lines 1 and 8; YAML would silently keep only the last one' },
    ]);
  });

  it("stops an alias bomb with one line at the alias that overflows", () => {
    expect(hostile("alias-bomb.yaml")).toEqual([{
      line: 5, col: 8, code: "yaml-alias",
      message: "alias *d expands the file to more than 10880 values (an alias bomb); aliases may not multiply a file's size",
    }]);
  });

  it("refuses an alias without an anchor instead of crashing", () => {
    expect(issuesOf("nodes:\n  a: *nope\n")).toEqual([{ line: 2, col: 6, code: "yaml-alias", message: "alias *nope has no anchor &nope before it" }]);
  });

  it.each([["NUL", "\u0000", "0000"], ["escape", "\u001B", "001B"], ["DEL", "\u007F", "007F"], ["C1", "\u0090", "0090"]])(
    "refuses a %s character, which YAML does not allow", (_, char, code) => {
      expect(issuesOf(`a:\n  size: cp${char}x22\n`)).toEqual([{ line: 2, col: 11, code: "yaml-character",
        message: `control character U+${code} is not allowed in YAML; remove it` }]);
    });

  it("refuses an alias to the value that contains it", () => {
    expect(issuesOf("a: &a [1, *a]\n")).toEqual([{ line: 1, col: 11, code: "yaml-alias", message: "alias *a refers to the value that contains it" }]);
  });

  it("accepts aliases that repeat a value a few hundred times", () => {
    const text = `std: &std { enabled: true, retentionDays: 7 }\nnodes:\n${Array.from({ length: 300 }, (_, i) => `  n${i}: *std\n`).join("")}`;
    const { source, issues } = parseYamlSource("f.yaml", text);
    expect(issues).toEqual([]);
    expect((dataOf(source) as { nodes: Record<string, unknown> }).nodes.n299).toEqual({ enabled: true, retentionDays: 7 });
  });

  it.each([
    ["flow", `nodes: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`, { line: 1, col: 71 }],
    ["block", Array.from({ length: 3_000 }, (_, i) => `${" ".repeat(i)}k:\n`).join(""), { line: 64, col: 64 }],
  ])("refuses thousands of nesting levels (%s) with one line", (_, text, pos) => {
    expect(issuesOf(text)).toEqual([{ ...pos, code: "yaml-depth",
      message: "values nest more than 64 levels deep here; no node-fleet file needs more than a few" }]);
  });

  it("refuses a second document at its start", () => {
    expect(hostile("multi-document.yaml")).toEqual([{ line: 4, col: 1, code: "yaml-syntax",
      message: "a second YAML document starts here; the file must hold exactly one (remove the `---` line or split the file)" }]);
  });

  it("refuses a top-level !!binary", () => {
    expect(hostile("binary.yaml")).toEqual([{ line: 1, col: 10, code: "yaml-tag",
      message: "tag !!binary is not supported; only plain maps, lists, strings, numbers, booleans and null are" }]);
  });

  it.each([["!!set {a}", "!!set"], ["!!timestamp 2001-12-14", "!!timestamp"], ["!vault secret", "!vault"]])("refuses the tag of %s", (value, tag) => {
    expect(issuesOf(`a: ${value}\n`)).toEqual([expect.objectContaining({ line: 1, code: "yaml-tag", message: expect.stringContaining(`tag ${tag} is not supported`) })]);
  });

  it("accepts the core tags of plain data", () => {
    expect(issuesOf("a: !!str 42\nb: !!int 7\n")).toEqual([]);
  });

  it("refuses merge keys", () => {
    expect(hostile("merge-key.yaml")).toEqual([{ line: 5, col: 5, code: "yaml-merge-key",
      message: 'merge keys ("<<") are not supported (YAML 1.2 has none); write the fields out in full' }]);
  });

  it("refuses %YAML 1.1, which would read yes as true", () => {
    expect(hostile("yaml-1.1.yaml")).toEqual([expect.objectContaining({ line: 1, col: 1, code: "yaml-version",
      message: expect.stringContaining("%YAML 1.1 is not supported; node-fleet reads YAML 1.2") })]);
  });

  it("does not count a byte-order mark as a column", () => {
    expect(issuesOf("\uFEFFa: 1\na: 2\nb: !!binary x\n")).toEqual([
      expect.objectContaining({ line: 2, col: 1, code: "duplicate-key" }),
      expect.objectContaining({ line: 3, col: 13, code: "yaml-tag" }),
    ]);
    expect(issuesOf("\uFEFFb: !!binary x\n")).toEqual([expect.objectContaining({ line: 1, col: 13, code: "yaml-tag" })]);
  });

  it("refuses keys that are lists or aliases", () => {
    expect(issuesOf("? [a, b]\n: 1\n")).toEqual([{ line: 1, col: 3, code: "yaml-key", message: "a key must be a plain string, not a list, map or alias" }]);
  });
});
