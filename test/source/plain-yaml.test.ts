import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { generatedFleet } from "../../src/bench/plan-bench";
import { parsePlainYaml } from "../../src/source/plain-yaml";
import { FIXTURES } from "../helpers";

const ROOT = join(__dirname, "../..");

/** What node-fleet reads of a node tree: kinds, scalar types and values, flow or block,
 *  and where each node starts (the only offset any check or message uses). */
function shape(node: unknown): unknown {
  if (isScalar(node)) return { scalar: node.value, type: node.type, start: node.range?.[0] };
  if (isMap(node)) {
    return { map: node.items.map((p) => [shape(p.key), shape(p.value)]), flow: node.flow === true, start: node.range?.[0] };
  }
  if (isSeq(node)) return { seq: node.items.map(shape), flow: node.flow === true, start: node.range?.[0] };
  return node;
}

/** The yaml package's reading (yaml 2.9.1 parseDocument, as parseYamlSource calls it). */
function general(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, version: "1.2" });
  return { doc, lines };
}

function plain(text: string) {
  const lines = new LineCounter();
  return { doc: parsePlainYaml(text, lines), lines };
}

function expectSameReading(text: string): void {
  const fast = plain(text);
  const slow = general(text);
  expect(slow.doc.errors).toEqual([]);
  expect(fast.doc).toBeDefined();
  expect(shape(fast.doc!.contents)).toEqual(shape(slow.doc.contents));
  expect(fast.doc!.toJS()).toEqual(slow.doc.toJS());
  expect(fast.lines.lineStarts).toEqual(slow.lines.lineStarts);
}

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => join(dir, f));

describe("parsePlainYaml", () => {
  it("reads a generated 10,000-node fleet file as the yaml package does", () => {
    expectSameReading(generatedFleet(10_000));
  });

  it("reads the project's fleet file, catalog and stack files as the yaml package does", () => {
    const files = [join(ROOT, "fleet.yaml"), ...yamlFiles(join(ROOT, "catalog")), ...yamlFiles(ROOT).filter((f) => f.includes("Pulumi."))];
    for (const file of files) expectSameReading(readFileSync(file, "utf8"));
  });

  it("reads comments, empty values, quoted keys and values, numbers, booleans and null as the yaml package does", () => {
    expectSameReading([
      "# heading",
      "defaults:   # trailing comment",
      "  size: cpx22",
      "empty:",
      "\"quoted key\": 'single'",
      "numbers: { int: 42, neg: -7, float: 2.50, exp: 1e3, dot: .5, plus: +3, lead: 007 }",
      "flags: [true, False, TRUE, null, Null, NULL, yes, no]",
      "list:",
      "  - a b c",
      "  - { x: \"has # and : inside\" }",
      "  - []",
      "  - {}",
      "nested:",
      "    deeper:",
      "        deepest: value (with parens) = 1/2",
      "",
      "node-fleet:namespaced: https://example.com/path",
      "city: São Paulo",
      "flow: { url: http://x.example/a, k:v: w }",
      "last: end",
    ].join("\n"));
  });

  it("reads every fixture it admits as the yaml package does", () => {
    const files = [...yamlFiles(join(FIXTURES, "fleet")), ...yamlFiles(join(FIXTURES, "hostile"))];
    let admitted = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      if (plain(text).doc === undefined) continue;
      admitted++;
      expectSameReading(text);
    }
    expect(admitted).toBeGreaterThan(files.length / 2);
  });

  it.each([
    ["an anchor and an alias", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!binary aGk=\n"],
    ["a block scalar", "a: |\n  text\n"],
    ["an escape in double quotes", "a: \"tab\\there\"\n"],
    ["a doubled single quote", "a: 'it''s'\n"],
    ["a plain value over two lines", "a: one\n  two\n"],
    ["a flow map over two lines", "a: { x: 1,\n  y: 2 }\n"],
    ["a directive", "%YAML 1.1\n---\na: 1\n"],
    ["a document marker", "---\na: 1\n"],
    ["a tab", "a:\n\tb: 1\n"],
    ["CRLF line ends", "a: 1\r\nb: 2\r\n"],
    ["a byte-order mark", "\uFEFFa: 1\n"],
    ["a map inside a sequence item", "a:\n  - x: 1\n    y: 2\n"],
    ["a sequence at its key's indent", "a:\n- 1\n"],
    ["a merge key", "a: { x: 1 }\nb:\n  <<: { y: 2 }\n"],
    ["a key without a space after its colon", "a:1\n"],
    ["a comment without a space before it", "a: b#c\n"],
    ["a trailing comma", "a: [1, 2,]\n"],
    ["a colon and a space inside a value", "a: b: c\n"],
    ["a flow indicator after a colon", "a: [b:]\n"],
    ["hexadecimal and octal numbers", "a: 0x1F\n"],
    ["infinity", "a: .inf\n"],
    ["a null written as ~", "a: ~\n"],
    ["an indented first line", "  a: 1\n"],
    ["a wrong dedent", "a:\n    b: 1\n  c: 2\n"],
    ["an empty file", ""],
    ["a scalar document", "just text\n"],
  ])("leaves %s to the yaml package", (_what, text) => {
    expect(plain(text).doc).toBeUndefined();
  });

  it("leaves flow collections nested deeper than 64 to the yaml package instead of overflowing the stack", () => {
    expect(plain(`a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`).doc).toBeUndefined();
  });

  it("adds no line starts to the counter when it leaves a file to the yaml package", () => {
    expect(plain("a: &x 1\nb: 2\n").lines.lineStarts).toEqual([]);
  });
});
