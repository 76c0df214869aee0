import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type LineCounter, type Node } from "yaml";

/** The plain YAML that node-fleet's own files are written in, read without the general
 *  parser: block maps and block sequences indented with spaces, one-line flow maps and
 *  flow sequences, plain scalars of a conservative alphabet, quotes without escapes, and
 *  comments. The yaml package reads a 10,000-node fleet file in about a second (its
 *  lexer, parser and composer are general); this reads it in a tenth of that and builds
 *  the same nodes (types, values, start offsets), so every check and every position
 *  after it is unchanged. Anything outside the subset (anchors, tags, block scalars,
 *  escapes, multi-line values, directives, tabs, CR line ends, duplicate keys' edge
 *  cases are not special: they are plain pairs) makes it return undefined, and the
 *  caller uses the yaml package. */
export function parsePlainYaml(text: string, lines: LineCounter): Document | undefined {
  if (/[\t\r\uFEFF]/.test(text)) return undefined;
  const reader = new PlainReader(text);
  let contents: Node | undefined;
  try {
    contents = reader.document();
  } catch (err) {
    if (err === OUTSIDE) return undefined;
    throw err;
  }
  if (contents === undefined) return undefined;
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  const doc = new Document(null, { version: "1.2" });
  doc.contents = contents;
  return doc;
}

/** Thrown (and caught above) where the text leaves the subset. */
const OUTSIDE = Symbol("outside the plain subset");

/** A plain scalar: starts with a letter, digit or underscore (or a sign or dot before a
 *  digit) and holds only characters that are never YAML syntax inside one, and colons
 *  that such a character follows (`node-fleet:environment`, `https://…`). */
const PLAIN = /^(?:[\p{L}\p{N}_]|[-+.][0-9])(?:[\p{L}\p{N}_ ./+()=-]|:(?=[\p{L}\p{N}_./+()=-]))*$/u;
/** The first character a plain scalar cannot hold: where it ends (`: `, `,`, `]`, `}`, ` #`). */
const PLAIN_STOP = /(?!:[\p{L}\p{N}_./+()=-])[^\p{L}\p{N}_ ./+()=-]/gu;
/** Deeper than this, the yaml package (which bounds its own recursion) reads the file. */
const MAX_DEPTH = 64;

interface Line {
  readonly start: number;
  readonly indent: number;
}

class PlainReader {
  private readonly content: Line[] = [];
  private next = 0;

  constructor(private readonly text: string) {
    let start = 0;
    while (start <= text.length) {
      const end = lineEnd(text, start);
      let indent = 0;
      while (text.charCodeAt(start + indent) === 32) indent++;
      const first = text[start + indent];
      if (start + indent < end && first !== "#") this.content.push({ start, indent });
      start = end + 1;
    }
  }

  document(): Node | undefined {
    const first = this.content[0];
    if (first === undefined || first.indent !== 0) return undefined;
    const node = this.block(0, 1);
    if (this.next !== this.content.length) throw OUTSIDE;
    return node;
  }

  /** The block collection whose entries start at `indent` on the current line. */
  private block(indent: number, depth: number): Node {
    if (depth > MAX_DEPTH) throw OUTSIDE;
    const line = this.content[this.next]!;
    const at = line.start + line.indent;
    if (this.text.startsWith("- ", at) || lineEnd(this.text, at) === at + 1 && this.text[at] === "-") return this.sequence(indent, depth);
    return this.map(indent, depth);
  }

  private map(indent: number, depth: number): YAMLMap {
    const map = new YAMLMap();
    const startLine = this.content[this.next]!;
    map.range = [startLine.start + indent, 0, 0];
    while (this.next < this.content.length) {
      const line = this.content[this.next]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw OUTSIDE;
      const end = lineEnd(this.text, line.start);
      let p = line.start + indent;
      if (this.text[p] === "-") throw OUTSIDE;
      const key = this.scalar(p, end);
      p = key.end;
      if (this.text[p] !== ":" || (p + 1 < end && this.text[p + 1] !== " ")) throw OUTSIDE;
      p = skipSpaces(this.text, p + 1, end);
      this.next++;
      let value: Node;
      if (p === end || this.text[p] === "#") {
        if (p < end && this.text[p - 1] !== " ") throw OUTSIDE;
        const following = this.content[this.next];
        if (following && following.indent > indent) {
          value = this.block(following.indent, depth + 1);
        } else if (following && following.indent === indent && this.text[following.start + indent] === "-") {
          throw OUTSIDE;
        } else {
          // The yaml package places an empty value after the spaces that follow its colon.
          const empty = new Scalar(null);
          empty.range = [p, p, p];
          empty.source = "";
          empty.type = Scalar.PLAIN;
          value = empty;
        }
      } else {
        const inline = this.inline(p, end, depth + 1);
        this.lineTail(inline.end, end);
        value = inline.node;
        const following = this.content[this.next];
        if (following && following.indent > indent) throw OUTSIDE;
      }
      map.items.push(new Pair(key.node, value));
    }
    return map;
  }

  private sequence(indent: number, depth: number): YAMLSeq {
    const seq = new YAMLSeq();
    seq.range = [this.content[this.next]!.start + indent, 0, 0];
    while (this.next < this.content.length) {
      const line = this.content[this.next]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw OUTSIDE;
      const end = lineEnd(this.text, line.start);
      const dash = line.start + indent;
      if (this.text[dash] !== "-" || this.text[dash + 1] !== " ") throw OUTSIDE;
      const p = skipSpaces(this.text, dash + 1, end);
      if (p === end || this.text[p] === "#") throw OUTSIDE;
      const inline = this.inline(p, end, depth + 1);
      this.lineTail(inline.end, end);
      this.next++;
      const following = this.content[this.next];
      if (following && following.indent > indent) throw OUTSIDE;
      seq.items.push(inline.node);
    }
    return seq;
  }

  /** Only spaces and a comment may follow a value on its line. */
  private lineTail(p: number, end: number): void {
    const q = skipSpaces(this.text, p, end);
    if (q === end) return;
    if (this.text[q] !== "#" || q === p) throw OUTSIDE;
  }

  /** A value on one line: a flow collection or a scalar. */
  private inline(p: number, end: number, depth: number): { node: Node; end: number } {
    if (depth > MAX_DEPTH) throw OUTSIDE;
    const c = this.text[p];
    if (c === "{") return this.flowMap(p, end, depth);
    if (c === "[") return this.flowSeq(p, end, depth);
    return this.scalar(p, end);
  }

  private flowMap(open: number, end: number, depth: number): { node: Node; end: number } {
    const map = new YAMLMap();
    map.flow = true;
    const close = this.flowEntries(open, "}", end, (p) => {
      const key = this.scalar(p, end);
      if (this.text[key.end] !== ":" || this.text[key.end + 1] !== " ") throw OUTSIDE;
      const value = this.inline(skipSpaces(this.text, key.end + 1, end), end, depth + 1);
      map.items.push(new Pair(key.node, value.node));
      return value.end;
    });
    map.range = [open, close + 1, close + 1];
    return { node: map, end: close + 1 };
  }

  private flowSeq(open: number, end: number, depth: number): { node: Node; end: number } {
    const seq = new YAMLSeq();
    seq.flow = true;
    const close = this.flowEntries(open, "]", end, (p) => {
      const item = this.inline(p, end, depth + 1);
      if (this.text[item.end] === ":") throw OUTSIDE;
      seq.items.push(item.node);
      return item.end;
    });
    seq.range = [open, close + 1, close + 1];
    return { node: seq, end: close + 1 };
  }

  /** The comma-separated entries of a one-line flow collection opened at `open`, each read
   *  by `entry` (which returns where it ended); returns where `closer` stands. A trailing
   *  comma is outside the subset. */
  private flowEntries(open: number, closer: string, end: number, entry: (p: number) => number): number {
    let p = skipSpaces(this.text, open + 1, end);
    if (this.text[p] === closer) return p;
    for (;;) {
      p = skipSpaces(this.text, entry(p), end);
      if (this.text[p] === closer) return p;
      if (this.text[p] !== ",") throw OUTSIDE;
      p = skipSpaces(this.text, p + 1, end);
      if (this.text[p] === closer) throw OUTSIDE;
    }
  }

  /** A plain or quoted scalar starting at `p`; `end` is where its line ends. */
  private scalar(p: number, end: number): { node: Scalar; end: number } {
    const c = this.text[p];
    if (c === "\"" || c === "'") {
      const close = this.text.indexOf(c, p + 1);
      if (close === -1 || close >= end) throw OUTSIDE;
      const value = this.text.slice(p + 1, close);
      if (value.includes("\\") || (c === "'" && this.text[close + 1] === "'")) throw OUTSIDE;
      const node = new Scalar(value);
      node.range = [p, close + 1, close + 1];
      node.source = value;
      node.type = c === "\"" ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
      return { node, end: close + 1 };
    }
    PLAIN_STOP.lastIndex = p;
    const found = PLAIN_STOP.exec(this.text);
    const stopAt = found && found.index < end ? found.index : end;
    let valueEnd = stopAt;
    while (valueEnd > p && this.text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
    const source = this.text.slice(p, valueEnd);
    if (!PLAIN.test(source)) throw OUTSIDE;
    // `a #b` ends the value before the comment; `a#b` is not in the subset.
    if (stopAt < end && this.text[stopAt] === "#" && stopAt === valueEnd) throw OUTSIDE;
    const node = new Scalar(plainValue(source));
    node.range = [p, valueEnd, valueEnd];
    node.source = source;
    node.type = Scalar.PLAIN;
    return { node, end: valueEnd };
  }
}

/** The YAML 1.2 core schema's reading of a plain scalar (yaml 2.9.1 schema/core: null,
 *  bool, int, float), for the scalars the subset admits; octal and hexadecimal numbers
 *  and .inf/.nan are not admitted by PLAIN's alphabet or leave the subset here. */
function plainValue(source: string): unknown {
  if (/^(?:[Nn]ull|NULL)$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(source)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(source)) return false;
  if (/^0[ox]/.test(source)) throw OUTSIDE;
  if (/^[-+]?[0-9]+$/.test(source) || /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(source)) return Number(source);
  return source;
}

function lineEnd(text: string, start: number): number {
  const end = text.indexOf("\n", start);
  return end === -1 ? text.length : end;
}

function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && text.charCodeAt(p) === 32) p++;
  return p;
}
