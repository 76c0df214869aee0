import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { parsePlainYaml } from "../../src/source/plain-yaml";

/** A seeded generator (mulberry32), so a failing text is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  "a", "node", "prd-sha-het-de-fsn1-001", "cpx22", "true", "False", "TRUE", "null", "Null", "~", "yes", "no", "0x1F", "0o17",
  "1e3", "1E-3", ".5", "-7", "+3", "007", "0", "-0", "1.", "1.0e+2", ".inf", "-.Inf", ".nan", "1_000", "São Paulo",
  "https://x.example/a?b=c", "k:v", "a b", "(p)", "1/2", "a=b", "a.b", "-a", "+a", ".a", "_a", "a-", "x:", "12:30",
  "'q'", "\"q\"", "'#'", "\"a: b\"", "''", "\"\"", "'it''s'", "\"\\u0041\"", "2026-12-03", "1:2:3", "&x a", "*x", "!!str a",
];
const KEYS = ["a", "name", "size", "node-fleet:env", "\"quoted key\"", "'single'", "1", "true", "null", "k:v", "a b", "São", "? a", "- a"];

/** Fleet-file-shaped text: block maps and sequences, flow collections, scalars of every
 *  kind of the core schema, comments and spacing varied, some of it outside the subset. */
function structured(next: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const space = () => pick(["", "", "", " ", "  "]);
  const comment = () => (next() < 0.15 ? pick([" #c", "  # note: x", " #", "#c"]) : "");
  function flow(depth: number): string {
    const r = next();
    const n = Math.floor(next() * 4);
    if (depth > 2 || r < 0.5) return pick(SCALARS);
    if (r < 0.75) return "[" + space() + Array.from({ length: n }, () => flow(depth + 1)).join("," + space()) + space() + "]";
    return "{" + space() + Array.from({ length: n }, () => pick(KEYS) + ":" + (next() < 0.9 ? " " : "") + flow(depth + 1)).join(", ") + space() + "}";
  }
  function block(indent: string, depth: number, out: string[]): void {
    const seq = next() < 0.35;
    const step = pick(["  ", "  ", "    ", " "]);
    for (let i = 0, n = 1 + Math.floor(next() * 4); i < n; i++) {
      const head = seq ? indent + "-" : indent + pick(KEYS) + ":";
      const r = next();
      if (depth < 3 && r < 0.3 && !seq) {
        out.push(head + space() + comment());
        if (next() < 0.1) out.push(pick(["", "   ", indent + "# between"]));
        block(indent + step, depth + 1, out);
      } else if (r < 0.4) {
        out.push(head + pick(["", " ", "  "]) + comment());
      } else {
        out.push(head + " " + (next() < 0.7 ? pick(SCALARS) : flow(0)) + comment());
      }
    }
  }
  const out: string[] = [];
  if (next() < 0.2) out.push("# heading");
  block("", 0, out);
  return out.join("\n") + (next() < 0.9 ? "\n" : "");
}

/** What node-fleet reads of a node tree: kinds, scalar types and values, and starts. */
function shape(node: unknown): unknown {
  if (isScalar(node)) return { scalar: node.value, type: node.type, start: node.range?.[0] };
  if (isMap(node)) return { map: node.items.map((p) => [shape(p.key), shape(p.value)]), flow: node.flow === true, start: node.range?.[0] };
  if (isSeq(node)) return { seq: node.items.map(shape), flow: node.flow === true, start: node.range?.[0] };
  return node;
}

describe("parsePlainYaml against the yaml package on generated fleet-shaped text", () => {
  it("leaves each text to the yaml package or reads the same values, types and offsets, over 5,000 texts", () => {
    const next = random(20261203);
    let admitted = 0;
    for (let i = 0; i < 5_000; i++) {
      const text = structured(next);
      const fast = parsePlainYaml(text, new LineCounter());
      if (fast === undefined) continue;
      admitted++;
      const slow = parseDocument(text, { uniqueKeys: false, prettyErrors: false, version: "1.2" });
      expect({ text, errors: slow.errors.map((e) => e.code) }).toEqual({ text, errors: [] });
      expect({ text, shape: shape(fast.contents) }).toEqual({ text, shape: shape(slow.contents) });
    }
    expect(admitted).toBeGreaterThan(500);
  });
});
