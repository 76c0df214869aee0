import type { HelpCommand } from "./cli-help";
import { codeSpans, lineOf, type MarkdownFile } from "./markdown";

/** A `fleet …` command line shown in the documentation. */
export interface ShownCommand {
  readonly file: string;
  readonly line: number;
  /** The words after `fleet`, shell syntax (pipes, redirections, comments) removed. */
  readonly words: readonly string[];
}

/** Where `fleet` is the command: at the start, or after `npx `, `bin/`, a shell separator
 *  or variable assignments; never inside a name (`fleet.yaml`, `node-fleet`, `.fleet-health`). */
const FLEET = /(?:^|[\s;&|(])(?:npx |node |\.\/)?(?:bin\/)?fleet(?=\s|$)/g;

/** Text shown in code that reads like a command but is not one: `fleet up [correlation …]`
 *  is the update message a stack's history shows (docs/operations-and-automation-api.md). */
const NOT_COMMANDS = new Set(["fleet up [correlation …]"]);

function wordsOf(command: string): string[] {
  // A shell pipe or redirection ends the command; `a|b` without spaces shows alternatives.
  const own = command.split(/\s(?:\||\|\||&&|;|\d?>>?)(?:\s|$)/)[0]!;
  return [...own.matchAll(/"[^"]*"|'[^']*'|<[^>]*>|\S+/g)].map((m) => m[0]);
}

function commandsIn(text: string): { index: number; words: string[] }[] {
  const found: { index: number; words: string[] }[] = [];
  for (const m of text.matchAll(FLEET)) {
    const start = m.index + m[0].length;
    found.push({ index: m.index, words: wordsOf(text.slice(start)) });
  }
  return found;
}

/** Code blocks whose lines are shell commands; others hold drawings, YAML or TypeScript. */
const SHELL = new Set(["bash", "sh", "shell", "console"]);

/** Every `fleet …` command of a file: in code spans (`\|` in a table is `|`) and on the
 *  lines of shell code blocks (comments dropped). */
export function shownCommands(file: MarkdownFile): ShownCommand[] {
  const shown: ShownCommand[] = [];
  for (const p of file.paragraphs) {
    for (const span of codeSpans(p.text)) {
      const code = span.code.replace(/\\\|/g, "|");
      if (NOT_COMMANDS.has(code)) continue;
      for (const c of commandsIn(code)) shown.push({ file: file.path, line: lineOf(p, span.index), words: c.words });
    }
  }
  for (const { line, text } of file.codeLines.filter((c) => SHELL.has(c.info))) {
    const code = text.replace(/(^|\s)#.*$/, "");
    for (const c of commandsIn(code)) shown.push({ file: file.path, line, words: c.words });
  }
  return shown;
}

/** A value the reader fills in: `FILE`, `S`, `<hostname>`, `…`. */
const isPlaceholder = (word: string) => /^[A-Z][A-Z0-9_]*$/.test(word) || /[<>…]|\.\.\./.test(word);

/** What is wrong with a shown command by the CLI's help texts, or nothing. */
export function checkCommand(root: HelpCommand, words: readonly string[]): string[] {
  const tokens = words.map((w) => w.replace(/^\[|\]$/g, "").replace(/^\[|\]$/g, "")).filter((w) => w !== "");
  return check(root, root, tokens, 0);
}

function check(root: HelpCommand, command: HelpCommand, tokens: readonly string[], positional: number): string[] {
  const [word, ...rest] = tokens;
  if (word === undefined) return [];
  const name = `fleet ${command.path.join(" ")}`.trim();
  const alternatives = word.split("|").filter((a) => a !== "");
  if (word.startsWith("-")) {
    const problems: string[] = [];
    let takesValue = false;
    for (const alternative of alternatives) {
      const flag = alternative.split("=")[0]!;
      const known = command.options.get(flag) ?? root.options.get(flag);
      if (known === undefined) problems.push(`${name} has no option ${flag}`);
      else takesValue ||= known && !alternative.includes("=");
    }
    // After an unknown option nothing says whether the next word is its value: stop there.
    if (problems.length > 0) return problems;
    return check(root, command, takesValue ? rest.slice(1) : rest, positional);
  }
  // `fleet …`: any command; nothing after it can be checked against one.
  if (positional === 0 && command.subcommands.size > 0 && word === "…") return [];
  if (positional === 0 && alternatives.every((a) => command.subcommands.has(a))) {
    return alternatives.flatMap((a) => check(root, command.subcommands.get(a)!, rest, 0));
  }
  const arg = command.args[Math.min(positional, command.args.length - 1)];
  if (arg === undefined || (positional >= command.args.length && !arg.variadic)) {
    const commands = [...command.subcommands.keys()];
    return [`${name} takes no argument "${word}"${commands.length ? ` (its commands: ${commands.join(", ")})` : ""}`];
  }
  const problems = isPlaceholder(word) || !arg.choices ? []
    : alternatives.filter((a) => !arg.choices!.includes(a))
      .map((a) => `${name} ${arg.name} must be one of ${arg.choices!.join(", ")}; found "${a}"`);
  return [...problems, ...check(root, command, rest, positional + 1)];
}
