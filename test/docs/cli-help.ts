import { main } from "../../src/cli/main";

/** One `fleet` command as its help text describes it. */
export interface HelpCommand {
  readonly path: readonly string[];
  /** Option flags (`--stack`, `-h`) → whether the option takes a value. */
  readonly options: ReadonlyMap<string, boolean>;
  /** Positional arguments in order; `choices` when the help text lists them. */
  readonly args: readonly { name: string; variadic: boolean; choices?: readonly string[] }[];
  readonly subcommands: ReadonlyMap<string, HelpCommand>;
}

/** Entries of a help section ("Options:", "Commands:", "Arguments:"): an entry starts
 *  two spaces in; deeper lines continue the description of the entry above. */
function section(help: string, title: string): { term: string; description: string }[] {
  const lines = help.split("\n");
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const entries: { term: string; description: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(" ")) break;
    const entry = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (entry) entries.push({ term: entry[1]!, description: entry[2] ?? "" });
    else entries.at(-1)!.description += ` ${line.trim()}`;
  }
  return entries;
}

async function helpText(argv: readonly string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, "--help"], { out: (l) => out.push(l), err: (l) => err.push(l) });
  if (code !== 0) throw new Error(`fleet ${argv.join(" ")} --help exited ${code}: ${err.join(" ")}`);
  return out.join("\n");
}

function parseOptions(help: string): Map<string, boolean> {
  const options = new Map<string, boolean>();
  for (const { term } of section(help, "Options")) {
    const takesValue = /[<[]/.test(term);
    for (const flag of term.split(/[ ,]+/).filter((t) => t.startsWith("-"))) options.set(flag, takesValue);
  }
  return options;
}

function parseArgs(help: string, path: readonly string[]): HelpCommand["args"] {
  const usage = new RegExp(`^Usage: fleet ${path.join(" ")} ?(.*)$`, "m").exec(help)?.[1] ?? "";
  const described = new Map(section(help, "Arguments").map((a) => [a.term, a.description]));
  return usage.split(" ").filter((t) => /^[<[]/.test(t) && t !== "[options]" && t !== "[command]").map((t) => {
    const name = t.replace(/[<>[\].]/g, "");
    const choices = /\(choices: ([^)]*?)(?:, default: [^)]*)?\)/.exec(described.get(name) ?? "")?.[1];
    return { name, variadic: t.includes("..."),
      ...(choices ? { choices: [...choices.matchAll(/"([^"]*)"/g)].map((m) => m[1]!) } : {}) };
  });
}

/** The whole `fleet` command tree, read from its help texts (`fleet --help`, `fleet X --help` …)
 *  by running the CLI's `main` in this process. */
export async function readCommandTree(path: readonly string[] = []): Promise<HelpCommand> {
  const help = await helpText(path);
  const subcommands = new Map<string, HelpCommand>();
  for (const { term } of section(help, "Commands")) {
    const [name, ...usage] = term.split(" ");
    if (name === "help") {
      // `help [command]` has no help of its own; its argument is any word (an unknown one exits 2).
      subcommands.set("help", { path: [...path, "help"], options: new Map(), subcommands: new Map(),
        args: usage.filter((u) => u.startsWith("[")).map((u) => ({ name: u.slice(1, -1), variadic: false })) });
    } else {
      subcommands.set(name!, await readCommandTree([...path, name!]));
    }
  }
  return { path, options: parseOptions(help), args: parseArgs(help, path), subcommands };
}
