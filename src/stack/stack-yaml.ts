import { isAlias, isMap, isScalar, isSeq, type Node } from "yaml";
import { issueAt, type Issue } from "../source/issues";
import { keysOf, nodeAt, posOfNode, type YamlSource } from "../source/yaml-source";
import { configText, holdsSecret, parseConfigKey, resolvePlainScalar, type ConfigValue, type GoValue } from "./pulumi-config";

/** A stack file's `config:` as the engine hands it to the program, with where each
 *  key stands in the file (by its key in the program's form). */
export interface StackYamlConfig {
  readonly values: Map<string, ConfigValue>;
  /** The YAML key each config key was written as (`node-fleet:config:x` → `node-fleet:x`). */
  readonly writtenAs: Map<string, string>;
  readonly issues: Issue[];
}

/** Reads `config:` of a parsed stack file as pulumi/pulumi workspace.LoadProjectStack
 *  does: config.Map.UnmarshalYAML (every key through ParseKey) and
 *  Value.UnmarshalYAML (the value decoded by yaml.v3, then marshalled to text). */
export function stackYamlConfig(source: YamlSource): StackYamlConfig {
  const values = new Map<string, ConfigValue>();
  const writtenAs = new Map<string, string>();
  const issues: Issue[] = [];
  const root = source.doc.contents;
  if (root !== null && !isMap(root)) {
    return { values, writtenAs, issues: [issueAt(posOfNode(source, root as Node), "stack-file", "a stack file must be a map with a config: section")] };
  }
  const config = nodeAt(source, ["config"]);
  if (config === undefined) return { values, writtenAs, issues };
  if (!isMap(config)) return { values, writtenAs, issues: [issueAt(posOfNode(source, config), "stack-file", "config: must be a map of namespace:name keys")] };
  for (const { key: written, pos } of keysOf(source, ["config"])) {
    const key = parseConfigKey(written);
    if (key === undefined) {
      issues.push(issueAt(pos, "stack-config", `"${written}" is not a config key; Pulumi expects namespace:name, e.g. node-fleet:${written.split(":").pop() ?? written}`));
      continue;
    }
    const earlier = writtenAs.get(key);
    if (earlier !== undefined && earlier !== written) {
      issues.push(issueAt(pos, "stack-config", `"${written}" is the same key as "${earlier}" (Pulumi drops the "config:" part); keep one`));
      continue;
    }
    const value = goValue(nodeAt(source, ["config", written]) ?? null, source);
    try {
      values.set(key, { text: holdsSecret(value) ? "" : configText(value), secret: holdsSecret(value) });
      writtenAs.set(key, written);
    } catch (err) {
      issues.push(issueAt(pos, "stack-config", `${written}: ${(err as Error).message}`));
    }
  }
  return { values, writtenAs, issues };
}

/** yaml.v3 decoding a node into `interface{}`: plain scalars resolved by its rules,
 *  quoted and block scalars as text, aliases followed, map keys as text. */
function goValue(node: unknown, source: YamlSource): GoValue {
  if (isAlias(node)) return goValue(node.resolve(source.doc), source);
  if (isScalar(node)) {
    return node.type === "PLAIN" && node.tag !== "tag:yaml.org,2002:str"
      ? resolvePlainScalar(node.source ?? String(node.value)) : String(node.value ?? "");
  }
  if (isSeq(node)) return node.items.map((item) => goValue(item, source));
  if (isMap(node)) {
    const out: { [key: string]: GoValue } = {};
    for (const pair of node.items) {
      const key = goValue(pair.key, source);
      out[key === null ? "<nil>" : typeof key === "object" ? JSON.stringify(key) : String(key)] = goValue(pair.value, source);
    }
    return out;
  }
  return null;
}
