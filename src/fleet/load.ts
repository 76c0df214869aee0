import { displayPath } from "../source/display-path";
import { hasErrors, type Issue, type SourcePos } from "../source/issues";
import { readTextFile } from "../source/text-file";
import { dataOf, keysOf, parseYamlSource, posOfPath, type YamlPath, type YamlSource } from "../source/yaml-source";
import { zodIssuesToIssues } from "../source/zod-issues";
import { parseHostname, type NameProblem, type ParsedName } from "./naming";
import { DefaultsSchema, FleetFileSchema, NodeFieldsSchema, NodeSpecSchema, type NodeFields, type NodeSpec } from "./schema";

/** One entry of `nodes:` with its defaults applied and where everything came from. */
export interface FleetNode {
  readonly hostname: string;
  /** The parsed hostname, or why it does not parse. */
  readonly parsed: { name: ParsedName } | { problem: NameProblem };
  /** Fields after defaults; undefined when the node's body failed the schema. */
  readonly spec: NodeSpec | undefined;
  /** Where the hostname key stands. */
  readonly keyPos: SourcePos;
  /** Where a character of the hostname stands (for pointing at one field of it). */
  namePos(offset: number): SourcePos;
  /** Where a field's value was set: on the node, else in `defaults:`, else the key. */
  fieldPos(path: YamlPath, at?: "key" | "value"): SourcePos;
  /** Whether the node itself (not `defaults:`) sets a field. */
  sets(field: keyof NodeFields): boolean;
}

/** A fleet file, read and checked against the schema (the rules come after). */
export interface LoadedFleet {
  readonly file: string;
  readonly source: YamlSource;
  readonly nodes: readonly FleetNode[];
}

/** Reads fleet.yaml from disk as strict UTF-8 (see parseFleet). */
export function loadFleet(path: string): { fleet?: LoadedFleet; issues: Issue[] } {
  const file = displayPath(path);
  const read = readTextFile(path, file, "fleet");
  return "issue" in read ? { issues: [read.issue] } : parseFleet(file, read.text);
}

/** Parses fleet text: YAML syntax, the top-level shape, `defaults:` and each node body.
 *  Returns a fleet whenever the top level is usable, so that rules can still run on
 *  the nodes that are well-formed and every problem is reported at once. */
export function parseFleet(file: string, text: string): { fleet?: LoadedFleet; issues: Issue[] } {
  const { source, issues } = parseYamlSource(file, text);
  // A duplicate key is an error, but the rest of the file can still be checked.
  if (hasErrors(issues.filter((i) => i.code !== "duplicate-key"))) return { issues };
  const data: unknown = dataOf(source) ?? {};
  const strict = FleetFileSchema.safeParse(data, { reportInput: true });
  if (!strict.success) issues.push(...zodIssuesToIssues(source, FleetFileSchema, strict.error, "fleet-schema"));
  // An unknown top-level key is reported above but must not hide the nodes' own problems.
  const top = strict.success ? strict : FleetFileSchema.loose().safeParse(data);
  if (!top.success) return { issues };

  let defaults: NodeFields = {};
  if (top.data.defaults !== undefined && top.data.defaults !== null) {
    const parsed = DefaultsSchema.safeParse(top.data.defaults, { reportInput: true });
    if (parsed.success) defaults = parsed.data;
    else issues.push(...zodIssuesToIssues(source, DefaultsSchema, parsed.error, "fleet-schema",
      { at: ["defaults"], label: (path) => `${path.join(".")} in defaults` }));
  }

  const lastKey = new Map(keysOf(source, ["nodes"]).map((k) => [k.key, k]));
  const nodes = Object.entries(top.data.nodes).map(([hostname, body]) => {
    const parsedBody = NodeFieldsSchema.safeParse(body ?? {}, { reportInput: true });
    if (!parsedBody.success) {
      issues.push(...zodIssuesToIssues(source, NodeFieldsSchema, parsedBody.error, "fleet-schema",
        { at: ["nodes", hostname], label: (path) => path.length ? `${path.join(".")} of ${hostname}` : hostname }));
    }
    const keyEntry = lastKey.get(hostname);
    const keyPos = keyEntry?.pos ?? posOfPath(source, ["nodes", hostname], "key");
    return makeNode(source, hostname, keyPos, keyEntry?.textPos ?? keyPos, defaults, parsedBody.success ? parsedBody.data : undefined);
  });
  return { fleet: { file, source, nodes }, issues };
}

function makeNode(
  source: YamlSource, hostname: string, keyPos: SourcePos, textPos: SourcePos, defaults: NodeFields, own: NodeFields | undefined,
): FleetNode {
  const spec = own && NodeSpecSchema.parse({
    ...defaults, ...own,
    labels: { ...defaults.labels, ...own.labels },
    ...(defaults.backups || own.backups ? { backups: { ...defaults.backups, ...own.backups } } : {}),
  });
  const ownHas = (path: YamlPath) => own !== undefined && lookup(own, path) !== undefined;
  const defaultsHave = (path: YamlPath) => lookup(defaults, path) !== undefined;
  return {
    hostname,
    parsed: parseHostname(hostname),
    spec,
    keyPos,
    namePos: (offset) => ({ ...textPos, col: textPos.col + offset }),
    fieldPos: (path, at = "value") =>
      ownHas(path) ? posOfPath(source, ["nodes", hostname, ...path], at)
        : defaultsHave(path) ? posOfPath(source, ["defaults", ...path], at)
          : keyPos,
    sets: (field) => own?.[field] !== undefined,
  };
}

function lookup(value: unknown, path: YamlPath): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[String(key)] : undefined), value);
}
