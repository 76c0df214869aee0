import { readFileSync } from "node:fs";
import { decodeUtf8 } from "../source/text-file";
import { join } from "node:path";
import { displayPath } from "../source/display-path";
import { hasErrors, issueAt, type Issue } from "../source/issues";
import { nodeAt, parseYamlSource, posOfPath } from "../source/yaml-source";
import { parseStackConfig, type ParseOptions } from "./parse-config";
import { stackNameProblem } from "./stack-names";
import type { ConfigValue } from "./pulumi-config";
import { CONFIG_NAMESPACE, type StackSettings } from "./settings";
import { stackYamlConfig } from "./stack-yaml";

/** What a committed Pulumi.<stack>.yaml says, without Pulumi: the settings, and which
 *  keys hold encrypted secrets (their values are never read). */
export interface StackFile {
  readonly file: string;
  readonly settings: StackSettings;
  readonly secretsSet: readonly string[];
  /** The config as the engine would hand it to the program (secrets' text left empty). */
  readonly config: ReadonlyMap<string, ConfigValue>;
}

/** Reads `Pulumi.<stack>.yaml` in `dir` as Pulumi would hand it to the stack program,
 *  and checks it with the program's own parser (parse-config.ts). Warnings come back
 *  with the settings; any error leaves `stack` unset. Offline, documentation addresses
 *  are only a warning, so the bundled example plans. */
export function readStackFile(dir: string, stack: string, options: ParseOptions = { documentationAddresses: "warning" }): { stack?: StackFile; issues: Issue[] } {
  const path = join(dir, `Pulumi.${stack}.yaml`);
  const file = displayPath(path);
  const wrongName = stackNameProblem(stack);
  if (wrongName) return { issues: [issueAt({ file, line: 1, col: 1 }, "stack-file", wrongName)] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    return { issues: [issueAt({ file, line: 1, col: 1 }, "stack-file", missing
      ? `no stack file for stack "${stack}"; create it with \`pulumi stack init ${stack}\`, then set node-fleet:environment and the other settings (see docs/settings-reference.md)`
      : `cannot read the stack file: ${(err as Error).message}`)] };
  }
  const decoded = decodeUtf8(file, bytes);
  if ("issue" in decoded) return { issues: [decoded.issue] };
  const { source, issues } = parseYamlSource(file, decoded.text);
  if (hasErrors(issues)) return { issues };
  const config = stackYamlConfig(source);
  issues.push(...config.issues);
  if (nodeAt(source, ["environment"]) !== undefined) {
    issues.push(issueAt(posOfPath(source, ["environment"], "key"), "stack-environment", "environment: imports Pulumi ESC environments, whose " +
      `pulumiConfig can set or change any ${CONFIG_NAMESPACE}: key at deploy time; \`fleet plan\`, \`fleet diff\` and reviewers read only this file and cannot see those values; ` +
      `keep ${CONFIG_NAMESPACE}: settings in config: here and import only values outside ${CONFIG_NAMESPACE}:`, "warning"));
  }
  const parsed = parseStackConfig(config.values, stack, options);
  for (const problem of parsed.problems) {
    const written = config.writtenAs.get(problem.key);
    const at = written === undefined ? ["config"] : ["config", written, ...problem.path];
    issues.push(issueAt(posOfPath(source, at, written === undefined ? "key" : problem.at), "stack-config", problem.message, problem.severity));
  }
  if (!parsed.settings || hasErrors(issues)) return { issues };
  return { stack: { file, settings: parsed.settings, secretsSet: parsed.secretsSet, config: config.values }, issues };
}
