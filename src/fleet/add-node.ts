import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, parseDocument, stringify, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { NodeFields } from "./schema";

/** Inserts a node into valid fleet text by adding lines (or, in a flow map, one entry)
 *  and touching nothing else: comments, blank lines, indentation width, line endings,
 *  a byte-order mark, flow maps and folded text all stay byte for byte. The node goes
 *  where it sorts among the others (hostnames sort by environment, type, provider,
 *  country, region, number), above the comments that introduce the next node. The
 *  result is parsed again and must mean the old file plus this node, or nothing is
 *  returned but the reason. */
export function insertNode(text: string, hostname: string, fields: NodeFields): { text: string } | { error: string } {
  const doc = parseDocument(text, { uniqueKeys: false, version: "1.2" });
  const nodesPair = isMap(doc.contents) ? doc.contents.items.find((p) => keyName(p) === "nodes") : undefined;
  const nodes = nodesPair?.value;
  if (!nodesPair || !isMap(nodes)) return { error: "the fleet file has no `nodes:` map to add to" };
  const layout = new Layout(text, doc);
  const updated = nodes.flow ? insertFlow(layout, nodesPair, nodes, hostname, fields) : insertBlock(layout, nodes, hostname, fields);
  return sameFleetPlus(doc, updated, hostname, fields) ? { text: updated }
    : { error: "cannot add the node without changing other lines of this file's layout; add it by hand" };
}

/** Where lines start and how the file indents. */
class Layout {
  readonly eol: string;
  readonly step: number;
  constructor(readonly text: string, doc: Document) {
    this.eol = /\r?\n/.exec(text)?.[0] ?? "\n";
    this.step = indentStep(this, doc);
  }
  lineStart(offset: number): number {
    const start = this.text.lastIndexOf("\n", offset - 1) + 1;
    return start === 0 && this.text.startsWith("\uFEFF") ? 1 : start;
  }
  column(offset: number): number {
    return offset - this.lineStart(offset);
  }
  /** Offset just past the line break that ends the line holding `offset` (or the end). */
  nextLine(offset: number): number {
    const newline = this.text.indexOf("\n", offset);
    return newline < 0 ? this.text.length : newline + 1;
  }
  line(start: number): string {
    return this.text.slice(start, this.nextLine(start)).replace(/\r?\n$/, "");
  }
}

function insertBlock(layout: Layout, nodes: YAMLMap, hostname: string, fields: NodeFields): string {
  const { text, eol } = layout;
  const first = nodes.items[0];
  if (!first) return text;
  const indent = layout.column(start(first.key));
  const entry = entryLines(hostname, fields, indent, layout.step).join(eol);
  // A comment at the keys' indentation introduces the key below it; deeper ones belong to the body above.
  const ownsNext = (line: string) => line.trim() === "" || (line.trimStart().startsWith("#") && line.search(/\S/) <= indent);
  const next = nodes.items.find((p) => keyName(p) > hostname);
  if (next) {
    let at = layout.lineStart(start(next.key));
    while (at > 0 && ownsNext(layout.line(layout.lineStart(at - 1)))) at = layout.lineStart(at - 1);
    const blankAbove = layout.line(at).trim() === "";
    return text.slice(0, at) + (blankAbove ? eol : "") + entry + eol + text.slice(at);
  }
  const last = nodes.items[nodes.items.length - 1]!;
  let at = layout.nextLine(Math.max(end(last) - 1, 0));
  while (at < text.length && !ownsNext(layout.line(at)) && layout.line(at).trimStart().startsWith("#")) at = layout.nextLine(at);
  if (at === text.length && !text.endsWith("\n")) return text + eol + entry;
  return text.slice(0, at) + entry + eol + text.slice(at);
}

function insertFlow(layout: Layout, nodesPair: Pair, nodes: YAMLMap, hostname: string, fields: NodeFields): string {
  const { text, eol, step } = layout;
  const braces = nodes.range ?? [0, 0];
  if (nodes.items.length === 0) {
    const indent = layout.column(start(nodesPair.key)) + step;
    const from = text.slice(0, braces[0]).trimEnd().length;
    // A comment after `{}` stays on the `nodes:` line.
    const tail = text.slice(braces[1], layout.nextLine(braces[1])).replace(/\r?\n$/, "");
    return text.slice(0, from) + tail + eol + entryLines(hostname, fields, indent, step).join(eol) + text.slice(braces[1] + tail.length);
  }
  const entry = `${hostname}: ${stringify(fields, { flow: true, lineWidth: 0 }).trim()}`;
  const next = nodes.items.find((p) => keyName(p) > hostname);
  if (next) return text.slice(0, start(next.key)) + `${entry}, ` + text.slice(start(next.key));
  const at = end(nodes.items[nodes.items.length - 1]!);
  return text.slice(0, at) + `, ${entry}` + text.slice(at);
}

/** `hostname:` and its fields as block lines at the given indentation. */
function entryLines(hostname: string, fields: NodeFields, indent: number, step: number): string[] {
  const pad = " ".repeat(indent);
  if (Object.keys(fields).length === 0) return [`${pad}${hostname}: {}`];
  const body = stringify(fields, { indent: step, lineWidth: 0 }).trimEnd().split("\n");
  return [`${pad}${hostname}:`, ...body.map((line) => `${pad}${" ".repeat(step)}${line}`)];
}

/** The indentation width the file already uses: a nested block map's offset from its
 *  parent key (2 when nothing in the file is nested). */
function indentStep(layout: Layout, doc: Document): number {
  const pending: Pair[] = isMap(doc.contents) ? [...doc.contents.items] : [];
  while (pending.length > 0) {
    const pair = pending.shift()!;
    if (isMap(pair.value) && !pair.value.flow && pair.value.items[0]) {
      const width = layout.column(start(pair.value.items[0].key)) - layout.column(start(pair.key));
      if (width > 0) return width;
      pending.push(...pair.value.items);
    }
  }
  return 2;
}

function sameFleetPlus(before: Document, after: string, hostname: string, fields: NodeFields): boolean {
  const parsed = parseDocument(after, { uniqueKeys: false, version: "1.2" });
  if (parsed.errors.length > 0) return false;
  const expected = before.toJS({ maxAliasCount: -1 }) as Record<string, Record<string, unknown>>;
  expected.nodes = { ...expected.nodes, [hostname]: fields };
  return isDeepStrictEqual(parsed.toJS({ maxAliasCount: -1 }), expected);
}

function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : "";
}

function start(node: unknown): number {
  return (node as Node | null)?.range?.[0] ?? 0;
}

function end(pair: Pair): number {
  return ((pair.value ?? pair.key) as Node | null)?.range?.[1] ?? 0;
}
