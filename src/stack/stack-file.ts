import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { displayPath } from "../source/display-path";
import { hasErrors, issueAt, type Issue } from "../source/issues";
import { parseYamlSource, posOfPath } from "../source/yaml-source";
import { didYouMean } from "../source/suggest";
import { zodIssuesToIssues } from "../source/zod-issues";
import { CONFIG_NAMESPACE, StackSettingsSchema, type StackSettings } from "./settings";

/** What a committed Pulumi.<stack>.yaml says, without Pulumi: the settings, and which
 *  keys hold encrypted secrets (their values are never read). */
export interface StackFile {
  readonly file: string;
  readonly settings: StackSettings;
  readonly secretsSet: readonly string[];
}

/** Reads `Pulumi.<stack>.yaml` in `dir` and checks its node-fleet keys. Other
 *  namespaces (hcloud:, cloudflare:) are Pulumi's and left to the providers. */
export function readStackFile(dir: string, stack: string): { stack?: StackFile; issues: Issue[] } {
  const path = join(dir, `Pulumi.${stack}.yaml`);
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { issues: [issueAt({ file, line: 1, col: 1 }, "stack-file",
      `no stack file for stack "${stack}"; create it with \`pulumi stack init ${stack}\` and set node-fleet:environment: ${stack}`)] };
  }
  const { source, issues } = parseYamlSource(file, text);
  if (hasErrors(issues)) return { issues };
  const data: unknown = source.doc.toJS();
  const config: unknown = data !== null && typeof data === "object" ? (data as Record<string, unknown>).config : undefined;
  const raw: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  for (const [key, value] of Object.entries(config !== null && typeof config === "object" ? config : {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      secretsSet.push(key);
    } else if (key.startsWith(`${CONFIG_NAMESPACE}:`)) {
      raw[key.slice(CONFIG_NAMESPACE.length + 1)] = value;
    }
  }
  const parsed = StackSettingsSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const known = Object.keys(StackSettingsSchema.shape);
    for (const iss of parsed.error.issues) {
      if (iss.code === "unrecognized_keys" && iss.path.length === 0) {
        for (const key of iss.keys) {
          issues.push(issueAt(posOfPath(source, ["config", `${CONFIG_NAMESPACE}:${key}`], "key"), "stack-config",
            `unknown config key "${CONFIG_NAMESPACE}:${key}"${didYouMean(key, known)}; allowed: ${known.join(", ")}`));
        }
        continue;
      }
      // Config keys carry the namespace in the file (`node-fleet:dnsZone`), not in the schema.
      const [first, ...rest] = iss.path;
      const yamlPath = first === undefined ? [] : [`${CONFIG_NAMESPACE}:${String(first)}`, ...rest.map((p) => (typeof p === "number" ? p : String(p)))];
      issues.push(...zodIssuesToIssues(source, StackSettingsSchema, new z.ZodError([{ ...iss, path: [] }]), "stack-config",
        { at: ["config", ...yamlPath], label: () => `${CONFIG_NAMESPACE}:${iss.path.map(String).join(".") || "config"}` }));
    }
    return { issues };
  }
  if (parsed.data.environment !== stack) {
    issues.push(issueAt(posOfPath(source, ["config", `${CONFIG_NAMESPACE}:environment`]), "stack-config",
      `environment "${parsed.data.environment}" must equal the stack name "${stack}"`));
    return { issues };
  }
  return { stack: { file, settings: parsed.data, secretsSet }, issues };
}
