// The documentation checked against the repository: links resolve, every `fleet …`
// command shown exists as the CLI's help text describes it, and every exit code given
// is the one in EXIT (src/cli/format.ts).
import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/format";
import { readCommandTree, type HelpCommand } from "./cli-help";
import { exitCodeMentions, OTHER_PROGRAMS } from "./exit-code-mentions";
import { checkCommand, shownCommands } from "./fleet-commands";
import { documentationFiles, headingAnchors, parseMarkdown, relativeLinks, type MarkdownFile } from "./markdown";

const ROOT = join(__dirname, "../..");
const files = documentationFiles(ROOT);
const byPath = new Map(files.map((f) => [f.path, f]));

describe("the documentation files", () => {
  it("keeps README.md under 250 lines", () => {
    const lines = files.find((f) => f.path === "README.md")!;
    expect(Math.max(...lines.paragraphs.map((p) => p.line), ...lines.codeLines.map((c) => c.line))).toBeLessThan(250);
  });

  it("starts every file under docs/ with a line saying who it is for (after its title, if any)", () => {
    const saysWho = (text: string | undefined) => /^[*_]{0,2}(for|audience)\b/i.test(text ?? "");
    const missing = files.filter((f) => f.path.startsWith("docs/"))
      .filter((f) => !saysWho(f.paragraphs[/^# /.test(f.paragraphs[0]?.text ?? "") ? 1 : 0]?.text))
      .map((f) => f.path);
    expect(missing).toEqual([]);
  });
});

describe("relative links", () => {
  const resolve = (file: MarkdownFile, target: string): string | undefined => {
    const [path, anchor] = target.split("#", 2) as [string, string | undefined];
    const to = path === "" ? file.path : normalize(join(dirname(file.path), decodeURIComponent(path)));
    if (!existsSync(join(ROOT, to))) return `${target}: no file ${to}`;
    if (anchor === undefined) return undefined;
    if (statSync(join(ROOT, to)).isDirectory() || !to.endsWith(".md")) return `${target}: an anchor in a file that is not Markdown`;
    const anchors = headingAnchors(byPath.get(to) ?? parseMarkdown(to, ""));
    return anchors.has(anchor) ? undefined : `${target}: no heading #${anchor} in ${to} (it has: ${[...anchors].join(", ")})`;
  };

  it("finds the links it checks", () => {
    expect(relativeLinks(parseMarkdown("x.md", "See [a](docs/a.md#b-c), `[no](link.md)` and [web](https://example.com).\n")))
      .toEqual([{ line: 1, target: "docs/a.md#b-c" }]);
  });

  it("names a heading's anchor as GitHub does", () => {
    const file = parseMarkdown("x.md", "# Stack settings (`Pulumi.<stack>.yaml`)\n\n## Reviewing a change: `fleet diff`\n\n## Lifecycle\n\n## Lifecycle\n");
    expect([...headingAnchors(file)]).toEqual(["stack-settings-pulumistackyaml", "reviewing-a-change-fleet-diff", "lifecycle", "lifecycle-1"]);
  });

  it("resolves every relative link of README.md, CONTRIBUTING.md and docs/ to a file and heading", () => {
    const broken = files.flatMap((f) => relativeLinks(f).map((l) => ({ at: `${f.path}:${l.line}`, problem: resolve(f, l.target) })))
      .filter((b) => b.problem !== undefined).map((b) => `${b.at}: ${b.problem}`);
    expect(broken).toEqual([]);
  });

  it("reaches every file under docs/ from README.md", () => {
    const readme = byPath.get("README.md")!;
    const linked = new Set(relativeLinks(readme).map((l) => normalize(l.target.split("#")[0]!)));
    expect(files.filter((f) => f.path.startsWith("docs/") && !linked.has(f.path)).map((f) => f.path)).toEqual([]);
  });
});

describe("fleet commands shown", () => {
  let tree: HelpCommand;
  beforeAll(async () => { tree = await readCommandTree(); });

  it("reads the command tree from the help texts", () => {
    expect(tree.subcommands.get("catalog")!.subcommands.has("refresh")).toBe(true);
    expect(tree.subcommands.get("rebuild")!.options.get("--override-protection")).toBe(true);
    expect(tree.subcommands.get("validate")!.args).toEqual([{ name: "file", variadic: false }]);
  });

  it("accepts a command, its options, placeholders and alternatives as the help allows", () => {
    expect(checkCommand(tree, ["catalog", "[providers|regions|sizes|panels]"])).toEqual([]);
    expect(checkCommand(tree, ["preview|up|drift", "--stack", "S", "[--json]"])).toEqual([]);
    expect(checkCommand(tree, ["rebuild", "HOSTNAME", "--stack", "prd", "--override-protection", "REASON"])).toEqual([]);
  });

  it("rejects an unknown command, option or argument value", () => {
    expect(checkCommand(tree, ["deploy", "--stack", "prd"])).toEqual(['fleet takes no argument "deploy" (its commands: ' +
      [...tree.subcommands.keys()].join(", ") + ")"]);
    expect(checkCommand(tree, ["plan", "--stak", "prd"])).toEqual(["fleet plan has no option --stak"]);
    expect(checkCommand(tree, ["catalog", "prices"])).toEqual(['fleet catalog view must be one of providers, regions, sizes, panels; found "prices"']);
  });

  it("finds commands in code spans and code blocks, not in names", () => {
    const file = parseMarkdown("x.md", "Run `npx fleet plan --stack dev | head` on `fleet.yaml` of `node-fleet`.\n\n```bash\n" +
      "HCLOUD_TOKEN=… npx fleet catalog refresh --dry-run  # prints\n```\n");
    expect(shownCommands(file).map((c) => [c.line, c.words])).toEqual([
      [1, ["plan", "--stack", "dev"]], [4, ["catalog", "refresh", "--dry-run"]]]);
  });

  it("shows only commands and options that exist, in README.md, CONTRIBUTING.md and docs/", () => {
    const shown = files.flatMap(shownCommands);
    expect(shown.length).toBeGreaterThan(50);
    const wrong = shown.flatMap((c) => checkCommand(tree, c.words).map((p) => `${c.file}:${c.line}: fleet ${c.words.join(" ")}: ${p}`));
    expect(wrong).toEqual([]);
  });
});

describe("exit codes given", () => {
  const table = byPath.get("docs/exit-codes.md")!.paragraphs.filter((p) => p.text.startsWith("| ") && p.text.includes("`EXIT`"))[0]!;
  const rows = [...table.text.matchAll(/\| (\d+) \| `(\w+)` \|/g)].map((m) => ({ code: Number(m[1]), name: m[2]! }));

  it("lists every code of EXIT once in docs/exit-codes.md, under its name there", () => {
    expect(rows.map((r) => [r.name, r.code]).sort()).toEqual(Object.entries(EXIT).sort());
  });

  it("gives, anywhere else, only codes that are in EXIT or clearly another program's", () => {
    const codes = new Set<number>(Object.values(EXIT));
    const wrong = files.flatMap(exitCodeMentions)
      .filter((m) => !codes.has(m.code) && !m.sentence.includes(OTHER_PROGRAMS.get(m.code) ?? "\0"))
      .map((m) => `${m.file}:${m.line}: exit code ${m.code} is not in EXIT: ${m.sentence}`);
    expect(wrong).toEqual([]);
  });

  it("finds the codes of an 'Exit codes:' list and of 'exits N', leaving asides out", () => {
    const file = parseMarkdown("x.md", "Exit codes: 0 ok, 1 bad input (e.g. CLI 3.208.0), 2 bad command line; **10** destructive.\n\n" +
      "It exits 5 when a node is down.\n");
    expect(exitCodeMentions(file).map((m) => [m.line, m.code])).toEqual([[1, 0], [1, 1], [1, 2], [1, 10], [3, 5]]);
  });
});
