import { withoutCodeSpans, lineOf, type MarkdownFile } from "./markdown";

/** A number the documentation gives as an exit code. */
export interface ExitCodeMention {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly sentence: string;
}

/** Exit codes of other programs that the documentation names, each with a word its
 *  sentence must contain so that it is clearly not `fleet`'s:
 *  ansible/bin/provision's time limit (timeout(1)'s 124) and the Virtualmin installer's
 *  "already installed" (100). */
export const OTHER_PROGRAMS: ReadonlyMap<number, string> = new Map([[124, "NODE_TIMEOUT"], [100, "installer"]]);

function sentences(text: string): { index: number; text: string }[] {
  const found: { index: number; text: string }[] = [];
  // A sentence ends at . ! or ? before a space or the end; "3.208.0" and "e.g." inside it do not.
  const re = /(?:[^.!?]|[.!?](?!\s|$))+(?:[.!?]|$)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) found.push({ index: m.index, text: m[0] });
  return found;
}

/** Parenthesised asides blanked out, offsets kept: they hold versions and examples. */
function withoutAsides(text: string): string {
  let flat = text;
  for (let before = ""; before !== flat;) {
    before = flat;
    flat = flat.replace(/\([^()]*\)/g, (a) => " ".repeat(a.length));
  }
  return flat;
}

/** "Exit codes: 0 ok, 1 bad input (…), 2 …" lists (asides left out) and "exits 5" /
 *  "exit 1" / "exit code 1" anywhere in prose; tables are checked by their own columns. */
export function exitCodeMentions(file: MarkdownFile): ExitCodeMention[] {
  const mentions: ExitCodeMention[] = [];
  for (const p of file.paragraphs) {
    if (p.text.startsWith("|")) continue;
    const prose = withoutCodeSpans(p.text).replace(/\*\*/g, "  ");
    const flat = withoutAsides(prose);
    for (const s of sentences(flat)) {
      const numbers: number[] = [];
      const list = /Exit codes?:/.exec(s.text);
      if (list) {
        const from = s.index + list.index + list[0].length;
        const rest = flat.slice(from, s.index + s.text.length);
        for (const m of rest.matchAll(/(?:^|[,;]|\band)\s*(\d+)\b/g)) numbers.push(from + m.index + m[0].length - m[1]!.length);
      }
      const whole = prose.slice(s.index, s.index + s.text.length);
      for (const m of whole.matchAll(/\bexit(?:s| code| with)? (\d+)\b/gi)) numbers.push(s.index + m.index + m[0].length - m[1]!.length);
      const sentence = p.text.slice(s.index, s.index + s.text.length).trim();
      for (const at of numbers) {
        mentions.push({ file: file.path, line: lineOf(p, at), code: Number(/^\d+/.exec(prose.slice(at))![0]), sentence });
      }
    }
  }
  return mentions;
}
