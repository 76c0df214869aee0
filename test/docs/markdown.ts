import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** A paragraph, a table or a heading: its first line, its text and where each of its lines starts. */
export interface Paragraph {
  readonly line: number;
  readonly text: string;
  readonly starts: readonly number[];
}

/** A Markdown file of the documentation, split as a renderer sees it. */
export interface MarkdownFile {
  /** Path relative to the repository root, e.g. `docs/exit-codes.md`. */
  readonly path: string;
  /** Text outside fenced code blocks, one entry per paragraph (table rows included),
   *  with the line each starts on; a paragraph's line breaks are spaces, offset for offset. */
  readonly paragraphs: readonly Paragraph[];
  /** Lines inside fenced code blocks, with the block's info word (`bash`, `ts`, or ""). */
  readonly codeLines: readonly { line: number; text: string; info: string }[];
}

/** README.md, CONTRIBUTING.md and every Markdown file under docs/. */
export function documentationFiles(root: string): MarkdownFile[] {
  const docs = readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(".md")).map((p) => join("docs", p)).sort();
  return ["README.md", "CONTRIBUTING.md", ...docs]
    .map((path) => parseMarkdown(relative(root, join(root, path)), readFileSync(join(root, path), "utf8")));
}

export function parseMarkdown(path: string, text: string): MarkdownFile {
  const paragraphs: Paragraph[] = [];
  const codeLines: { line: number; text: string; info: string }[] = [];
  let fence: string | undefined;
  let info = "";
  let open: { line: number; lines: string[] } | undefined;
  const close = () => {
    if (open) paragraphs.push(paragraph(open.line, open.lines));
    open = undefined;
  };
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    const opening = /^\s*(```+|~~~+)\s*(\S*)/.exec(raw);
    const marker = opening?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      else codeLines.push({ line, text: raw, info });
      return;
    }
    if (marker !== undefined) { close(); fence = marker; info = opening?.[2] ?? ""; return; }
    if (raw.trim() === "" || /^#{1,6} /.test(raw)) close();
    if (raw.trim() === "") return;
    if (/^#{1,6} /.test(raw)) { paragraphs.push(paragraph(line, [raw])); return; }
    if (open) open.lines.push(raw); else open = { line, lines: [raw] };
  });
  close();
  return { path, paragraphs, codeLines };
}

function paragraph(line: number, lines: readonly string[]): Paragraph {
  const starts = lines.map((_, i) => lines.slice(0, i).reduce((sum, l) => sum + l.length + 1, 0));
  return { line, text: lines.join(" "), starts };
}

/** The line an offset of a paragraph's text is on (its line breaks became single spaces). */
export function lineOf(paragraph: Paragraph, offset: number): number {
  return paragraph.line + paragraph.starts.filter((start) => start <= offset).length - 1;
}

/** The contents of the inline code spans of a paragraph (CommonMark: matching backtick runs). */
export function codeSpans(text: string): { index: number; code: string }[] {
  const spans: { index: number; code: string }[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) spans.push({ index: m.index, code: m[2]!.trim() });
  return spans;
}

/** A paragraph without its code spans, for what a reader sees as prose. */
export function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (s) => " ".repeat(s.length));
}

/** The anchors GitHub gives a file's headings (github-slugger: lower case, punctuation
 *  other than `-` and `_` dropped, spaces to `-`, repeats numbered `-1`, `-2` …). */
export function headingAnchors(file: MarkdownFile): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of file.paragraphs) {
    const heading = /^#{1,6} (.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
    const base = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative links `[text](target)` of a file, outside code. */
export function relativeLinks(file: MarkdownFile): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const p of file.paragraphs) {
    const prose = withoutCodeSpans(p.text);
    const re = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
    for (let m = re.exec(prose); m !== null; m = re.exec(prose)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ line: lineOf(p, m.index), target });
    }
  }
  return links;
}
