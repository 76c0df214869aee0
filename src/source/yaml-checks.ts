import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from "yaml";
import { escapeControl, firstControl } from "./control-chars";
import { issueAt, type Issue, type SourcePos } from "./issues";

/** No node-fleet file nests more than a few levels; anything far deeper is an attack on
 *  the parser's recursion (the yaml package composes and converts recursively). */
const MAX_DEPTH = 64;

/** Aliases may not blow a file up beyond ten times its own size, plus some slack for
 *  small files (a "billion laughs" alias bomb grows exponentially with its depth). */
function maxExpandedValues(literalValues: number): number {
  return 10 * literalValues + 10_000;
}

const CORE_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

type At = (offset: number) => SourcePos;

/** Characters YAML 1.2 does not allow in a stream (c-printable, spec 5.1): C0 and C1
 *  controls other than tab, line feed, carriage return and NEL, and DEL. */
const NON_PRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/;

/** The first character YAML does not allow, as an issue (the yaml package passes them on). */
export function characterCheck(text: string, at: At): Issue | undefined {
  const found = NON_PRINTABLE.exec(text);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return issueAt(at(found.index), "yaml-character", `control character U+${code} is not allowed in YAML; remove it`);
}

/** Values nested deeper than MAX_DEPTH, as one issue at the first such value. Iterative,
 *  so that it cannot itself overflow the stack. Also counts the values written out. */
export function depthCheck(doc: Document, at: At): { issue?: Issue; values: number } {
  const stack: [unknown, number][] = [[doc.contents, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || node === undefined) continue;
    values++;
    if (depth > MAX_DEPTH) {
      return { values, issue: issueAt(at((node as Node).range?.[0] ?? 0), "yaml-depth",
        `values nest more than ${MAX_DEPTH} levels deep here; no node-fleet file needs more than a few`) };
    }
    if (isMap(node)) for (const pair of node.items) stack.push([pair.value, depth + 1], [pair.key, depth + 1]);
    else if (isSeq(node)) for (const item of node.items) stack.push([item, depth + 1]);
  }
  return { values };
}

/** Everything that parses as YAML but would silently change what a file means, or make
 *  reading it explode: explicit tags beyond plain data (`!!binary`, `!!set`, custom),
 *  merge keys (`<<`, which YAML 1.2 does not have), keys that are not plain values,
 *  repeated keys (YAML libraries keep the last one), and aliases that expand the file
 *  beyond maxExpandedValues. Call only after depthCheck found no problem. */
export function contentChecks(doc: Document, at: At, literalValues: number): Issue[] {
  const issues: Issue[] = [];
  const anchorSize = new Map<string, number>();
  const budget = maxExpandedValues(literalValues);
  let expanded = literalValues;
  let aliasIssue: Issue | undefined;

  const visit = (node: unknown, path: readonly string[], isKey = false): number => {
    if (aliasIssue || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const size = anchorSize.get(node.source);
      if (size === undefined) {
        issues.push(issueAt(at(node.range?.[0] ?? 0), "yaml-alias", `alias *${node.source} has no anchor &${node.source} before it`));
        return 0;
      }
      expanded += size - 1;
      if (size === Infinity) {
        aliasIssue = issueAt(at(node.range?.[0] ?? 0), "yaml-alias", `alias *${node.source} refers to the value that contains it`);
      } else if (expanded > budget) {
        aliasIssue = issueAt(at(node.range?.[0] ?? 0), "yaml-alias",
          `alias *${node.source} expands the file to more than ${budget} values (an alias bomb); ` +
          "aliases may not multiply a file's size");
      }
      return size;
    }
    const n = node as Node;
    if (n.anchor) anchorSize.set(n.anchor, Infinity);
    if (n.tag !== undefined && !CORE_TAGS.has(n.tag)) {
      issues.push(issueAt(at(n.range?.[0] ?? 0), "yaml-tag",
        `tag ${n.tag.replace("tag:yaml.org,2002:", "!!")} is not supported; ` +
        "only plain maps, lists, strings, numbers, booleans and null are"));
    }
    if (isScalar(n) && typeof n.value === "string") {
      const issue = controlIssue(n.value, at(n.range?.[0] ?? 0), isKey);
      if (issue) issues.push(issue);
    }
    let size = 1;
    if (isMap(n)) {
      issues.push(...keyIssues(n, path, at));
      for (const pair of n.items) {
        size += visit(pair.key, path, true);
        size += visit(pair.value, isScalar(pair.key) ? [...path, String(pair.key.value)] : path);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, index) => { size += visit(item, [...path, String(index)]); });
    }
    if (n.anchor) anchorSize.set(n.anchor, size);
    return size;
  };
  visit(doc.contents, []);
  return aliasIssue ? [aliasIssue] : issues;
}

/** A string holding control characters (written as escapes such as "\e", "\a" or "\0",
 *  which the character check of the raw text cannot see): a value that reaches a
 *  terminal, a label or the platform must show what it is. Values may span lines (a
 *  block scalar, with the CRLF line ends of its file) and hold tabs; keys may not. */
function controlIssue(value: string, pos: SourcePos, key: boolean): Issue | undefined {
  const found = firstControl(key ? value : value.replace(/[\n\r\t]/g, ""));
  if (!found) return undefined;
  return issueAt(pos, "control-character",
    `${key ? "key" : "value"} "${escapeControl(value)}" holds control character ${found}; remove it (node-fleet files take printable text only)`);
}

/** Keys that are not plain strings, merge keys, and repeated keys of one map. */
function keyIssues(map: YAMLMap, path: readonly string[], at: At): Issue[] {
  const issues: Issue[] = [];
  // Where each key stands, as an offset: a line is worked out only for a problem (a
  // 10,000-node fleet has 40,000 keys and, normally, no problem).
  const seen = new Map<string, number>();
  for (const pair of map.items) {
    const offset = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
    const keyPos = () => at(offset);
    if (!isScalar(pair.key)) {
      issues.push(issueAt(keyPos(), "yaml-key", "a key must be a plain string, not a list, map or alias"));
    } else if (pair.key.value === "<<" && pair.key.type === "PLAIN") {
      issues.push(issueAt(keyPos(), "yaml-merge-key",
        'merge keys ("<<") are not supported (YAML 1.2 has none); write the fields out in full'));
    } else {
      const key = String(pair.key.value);
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, offset);
      } else {
        const pos = keyPos();
        issues.push(issueAt(pos, "duplicate-key",
          `duplicate key "${key}"${path.length ? ` in ${path.join(".")}` : ""} on lines ${at(earlier).line} and ${pos.line}; ` +
          "YAML would silently keep only the last one"));
      }
    }
  }
  return issues;
}
