import {
  isMap, isPair, isScalar, isSeq, LineCounter, parseDocument,
  type Document, type Node, type Pair, type YAMLMap,
} from "yaml";
import { hasErrors, issueAt, type Issue, type SourcePos } from "./issues";
import { parsePlainYaml } from "./plain-yaml";
import { characterCheck, contentChecks, depthCheck } from "./yaml-checks";

/** A parsed YAML file that remembers where every node came from. */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

export type YamlPath = readonly (string | number)[];

/** Parses YAML text, keeping positions, and returns every reason not to trust what it
 *  says: syntax errors, control characters, a second document, a `%YAML` version other
 *  than 1.2, deep nesting, alias bombs, tags beyond plain data, merge keys and duplicate
 *  keys (naming both lines). Every file node-fleet reads goes through here. Only
 *  duplicate keys leave the data usable (the last one wins), so a caller may go on
 *  checking. */
export function parseYamlSource(file: string, text: string): { source: YamlSource; issues: Issue[] } {
  const lines = new LineCounter();
  // node-fleet's own files are plain YAML; the general parser reads whatever else a person writes.
  const doc = parsePlainYaml(text, lines) ?? parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, version: "1.2" });
  const source: YamlSource = { file, text, doc, lines };
  const at = (offset: number) => posAtOffset(source, offset);
  const tooDeep = doc.errors.some((e) => e.code === "RESOURCE_EXHAUSTION");
  const issues = [...doc.errors, ...doc.warnings]
    .filter((e) => e.code !== "RESOURCE_EXHAUSTION" && e.code !== "TAG_RESOLVE_FAILED")
    .map((e) => issueAt(at(e.pos[0]), "yaml-syntax", syntaxMessage(e.code, e.message),
      doc.errors.includes(e) ? "error" : "warning"));
  const directive = doc.directives?.yaml;
  if (directive?.explicit && directive.version !== "1.2") {
    issues.push(issueAt(at(Math.max(0, text.indexOf("%YAML"))), "yaml-version",
      `%YAML ${directive.version} is not supported; node-fleet reads YAML 1.2 ` +
      "(where yes/no are strings and there are no merge keys); remove the directive"));
  }
  const stray = characterCheck(text, at);
  if (stray) issues.push(stray);
  if (hasErrors(issues)) return { source, issues };
  const depth = depthCheck(doc, at);
  if (depth.issue) return { source, issues: [depth.issue] };
  if (tooDeep) return { source, issues: [issueAt(at(0), "yaml-depth", "the file is too deeply nested to read")] };
  return { source, issues: [...issues, ...contentChecks(doc, at, depth.values)] };
}

/** The plain data of a source that parseYamlSource accepted. Aliases were already
 *  bounded there, so the yaml package's own (much lower) alias limit is lifted. */
export function dataOf(source: YamlSource): unknown {
  return source.doc.toJS({ maxAliasCount: -1 });
}

function syntaxMessage(code: string, message: string): string {
  if (code === "MULTIPLE_DOCS") {
    return "a second YAML document starts here; the file must hold exactly one (remove the `---` line or split the file)";
  }
  return message.split("\n")[0] ?? message;
}

/** The 1-based line and column of a character offset. A byte-order mark is not a
 *  column an editor shows, so it is not counted. */
export function posAtOffset(source: YamlSource, offset: number): SourcePos {
  const { line, col } = source.lines.linePos(Math.max(0, Math.min(offset, source.text.length)));
  const bom = line === 1 && col > 1 && source.text.startsWith("\uFEFF") ? 1 : 0;
  return { file: source.file, line, col: col - bom };
}

/** Start of a node, or of the whole document when the node has no range. */
export function posOfNode(source: YamlSource, node: Node | null | undefined): SourcePos {
  return posAtOffset(source, node?.range?.[0] ?? 0);
}

/** The key/value pair at `key` inside the map at `path` (the last one if the key repeats). */
export function pairAt(source: YamlSource, path: YamlPath, key: string): Pair | undefined {
  const parent = nodeAt(source, path);
  if (!isMap(parent)) return undefined;
  return lastPairOf(parent, key);
}

/** The node at a path of map keys and sequence indexes, if it exists. */
export function nodeAt(source: YamlSource, path: YamlPath): Node | undefined {
  let node: unknown = source.doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      node = lastPairOf(node, String(segment))?.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
}

const keyIndexes = new WeakMap<YAMLMap, { size: number; byKey: Map<string, Pair> }>();

/** The last pair of a map with this scalar key. Every issue of a 10,000-node fleet looks
 *  up its position, so a scan per lookup would be quadratic: each map gets an index on
 *  first use, rebuilt when pairs were added or removed since. */
function lastPairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = keyIndexes.get(map);
  if (!index || index.size !== map.items.length) {
    const byKey = new Map<string, Pair>();
    for (const pair of map.items) if (isScalar(pair.key)) byKey.set(String(pair.key.value), pair);
    index = { size: map.items.length, byKey };
    keyIndexes.set(map, index);
  }
  return index.byKey.get(key);
}

/** Where to point for something at `path`: its key when `at` is "key" (unknown or
 *  missing fields), otherwise its value; falls back to the deepest part that exists. */
export function posOfPath(source: YamlSource, path: YamlPath, at: "key" | "value" = "value"): SourcePos {
  for (let depth = path.length; depth > 0; depth--) {
    const key = path[depth - 1]!;
    const parentPath = path.slice(0, depth - 1);
    const parent = nodeAt(source, parentPath);
    if (isMap(parent)) {
      const pair = pairAt(source, parentPath, String(key));
      if (pair) {
        const target = at === "key" || depth < path.length || !pair.value ? pair.key : pair.value;
        return posOfNode(source, isPair(pair) ? (target as Node | null) : undefined);
      }
    } else if (isSeq(parent) && typeof key === "number" && parent.items[key]) {
      return posOfNode(source, parent.items[key] as Node);
    }
  }
  return posOfNode(source, source.doc.contents as Node | null);
}

/** The keys of a map in file order, repeats included: where each key stands, and
 *  where its text starts (one column later when the key is quoted). */
export function keysOf(source: YamlSource, path: YamlPath): { key: string; pos: SourcePos; textPos: SourcePos }[] {
  const node = nodeAt(source, path);
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => {
    if (!isScalar(pair.key)) return [];
    const offset = pair.key.range?.[0] ?? 0;
    const quoted = pair.key.type === "QUOTE_DOUBLE" || pair.key.type === "QUOTE_SINGLE";
    return [{ key: String(pair.key.value), pos: posAtOffset(source, offset), textPos: posAtOffset(source, offset + (quoted ? 1 : 0)) }];
  });
}
