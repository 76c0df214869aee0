import { z } from "zod";
import type { Severity } from "../source/issues";
import { didYouMean, editDistance } from "../source/suggest";
import { describeZodIssue, objectKeysAt } from "../source/zod-issues";
import { documentationRange, parseCidr } from "./cidr";
import { DOCUMENTATION_ZONE_ID, documentationUrlHost, isDocumentationDomain } from "./example-values";
import type { ConfigValue } from "./pulumi-config";
import { shardEnvironment, stackNameProblem } from "./stack-names";
import { CONFIG_NAMESPACE, SECRET_KEYS, StackSettingsFields, StackSettingsSchema, type StackSettings } from "./settings";

/** One problem with a stack's config: which key, where inside its value, and what to do. */
export interface ConfigProblem {
  /** The full key, `node-fleet:backups`. */
  readonly key: string;
  /** Inside the key's value: `["retentionDays"]`, `[1]`. */
  readonly path: readonly (string | number)[];
  /** Point at the key (unknown, missing, misplaced) or at the value. */
  readonly at: "key" | "value";
  readonly severity: Severity;
  /** Names the setting as `pulumi config set --path` does, and ends with the command that fixes it. */
  readonly message: string;
}

export interface ParsedStackConfig {
  /** Present when there is no error. */
  readonly settings?: StackSettings;
  readonly problems: ConfigProblem[];
  /** Keys stored encrypted (their values are not read here). */
  readonly secretsSet: string[];
}

export interface ParseOptions {
  /** Admin sources in documentation ranges (RFC 5737, RFC 3849), and the example DNS
   *  zone, zone id and registration URL (example-values.ts): an error for anything that
   *  deploys, a warning for the offline plan of the bundled example. */
  readonly documentationAddresses: "error" | "warning";
}

/** Names Pulumi's own `config set` takes for secrets (pkg/cmd/pulumi/config keyPattern:
 *  passwd|pass|password|pwd|secret|token), plus keys and credentials; public keys are not secret. */
const SECRET_NAME = /passwd|pass|pwd|secret|token|credential|key/i;
const PUBLIC_NAME = /public_?key/i;

/** Whether a config key names a secret: a known secret, or named like one. */
function isSecretKey(key: string): boolean {
  const name = key.slice(key.indexOf(":") + 1);
  return (Object.values(SECRET_KEYS) as string[]).includes(key) || (SECRET_NAME.test(name) && !PUBLIC_NAME.test(name));
}

/** The one parser of stack config, for `fleet` (values read from Pulumi.<stack>.yaml
 *  through the Pulumi model in pulumi-config.ts) and for the stack program (values from
 *  pulumi.runtime.allConfig()). Every problem is reported at once. */
export function parseStackConfig(values: ReadonlyMap<string, ConfigValue>, stack: string, options: ParseOptions): ParsedStackConfig {
  const wrongName = stackNameProblem(stack);
  const { raw, secretsSet, problems } = sortKeys(values, stack);
  if (wrongName) problems.push(problemAt(`${CONFIG_NAMESPACE}:environment`, [], "key", wrongName));
  const parsed = StackSettingsSchema.safeParse(raw, { reportInput: true });
  const refusedBefore = new Set(problems.map((p) => p.key));
  for (const iss of parsed.error?.issues ?? []) {
    const [field] = iss.path;
    // A key refused before the parse (encrypted, or a secret in clear) is not repeated as "required".
    if (field !== undefined && refusedBefore.has(`${CONFIG_NAMESPACE}:${String(field)}`)) continue;
    problems.push(...schemaProblems(iss, stack));
  }
  const settings = parsed.success ? parsed.data : undefined;
  if (settings && settings.environment !== (shardEnvironment(stack) ?? stack) && !wrongName) {
    problems.push(problemAt(`${CONFIG_NAMESPACE}:environment`, [], "value", `${CONFIG_NAMESPACE}:environment is "${settings.environment}" ` +
      `but the stack is "${stack}"; a stack deploys its own environment: ${fixSet(`${CONFIG_NAMESPACE}:environment`, [], stack, stack)}`));
  }
  if (settings) problems.push(...openAndExampleSources(settings, stack, options), ...exampleValues(settings, stack, options));
  return { ...(problems.some((p) => p.severity === "error") || !settings ? {} : { settings }), problems, secretsSet };
}

function problemAt(key: string, path: readonly (string | number)[], at: "key" | "value", message: string): ConfigProblem {
  return { key, path, at, severity: "error", message };
}

/** Splits the config: settings to parse (decoded from their text), secrets (noted,
 *  never read), and keys stored the wrong way: a secret in clear, a setting encrypted. */
function sortKeys(values: ReadonlyMap<string, ConfigValue>, stack: string) {
  const raw: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const [key, value] of values) {
    const inNamespace = key.startsWith(`${CONFIG_NAMESPACE}:`);
    const name = key.slice(key.indexOf(":") + 1);
    const namespace = key.slice(0, key.indexOf(":"));
    if (!inNamespace && editDistance(namespace.toLowerCase(), CONFIG_NAMESPACE) <= 2) {
      problems.push(problemAt(key, [], "key", `"${key}" is in namespace "${namespace}", not ${CONFIG_NAMESPACE}: the stack reads only ${CONFIG_NAMESPACE}: keys, ` +
        `so this setting would silently not apply; rename it: pulumi config rm ${quoted(key)} -s ${stack} && pulumi config set ${quoted(`${CONFIG_NAMESPACE}:${name}`)} <value> -s ${stack}`));
      continue;
    }
    const isSetting = inNamespace && name in StackSettingsFields.shape;
    if (value.secret) {
      secretsSet.push(key);
      if (isSetting) {
        problems.push(problemAt(key, [], "key", `${key} is stored encrypted, but it is a setting reviewers and \`fleet plan\` must read; ` +
          `store it in plain text: ${fixSet(key, [], stack)}`));
      } else if (inNamespace && !isSecretKey(key)) {
        problems.push(problemAt(key, [], "key", unknownKey(key, stack)));
      }
    } else if (isSecretKey(key) && !isSetting) {
      problems.push(problemAt(key, [], "key", `${key} is a secret stored in plain text; encrypt it: pulumi config set --secret ${key} <value> -s ${stack}`));
    } else if (inNamespace) {
      raw[name] = decodeText(name, value.text);
    }
  }
  return { raw, secretsSet, problems };
}

/** A schema issue as problems named the way `pulumi config set --path` names settings. */
function schemaProblems(iss: z.core.$ZodIssue, stack: string): ConfigProblem[] {
  const [field, ...path] = iss.path.map((p) => (typeof p === "number" ? p : String(p)));
  if (field === undefined) {
    return iss.code === "unrecognized_keys" ? iss.keys.map((k) => problemAt(`${CONFIG_NAMESPACE}:${k}`, [], "key", unknownKey(`${CONFIG_NAMESPACE}:${k}`, stack))) : [];
  }
  const key = `${CONFIG_NAMESPACE}:${field}`;
  if (iss.code === "unrecognized_keys") {
    const allowed = objectKeysAt(StackSettingsFields, [field, ...path]);
    return iss.keys.map((k) => problemAt(key, [...path, k], "key", `unknown field "${k}" in ${label(key, path)}${didYouMean(k, allowed)}; ` +
      `allowed: ${allowed.join(", ")}; remove it: pulumi config rm --path ${quoted(label(key, [...path, k]))} -s ${stack}`));
  }
  const missing = iss.code === "invalid_type" && iss.input === undefined;
  const text = iss.code !== "custom" ? describeZodIssue(iss, label(key, path))
    : `${label(key, path)}${iss.message.startsWith("is ") ? " " : ": "}${iss.message}`;
  return [problemAt(key, path, missing ? "key" : "value", `${text}; ${fixSet(key, path, stack)}`)];
}

/** The dev warning for admin surfaces open to the world, and admin sources in
 *  documentation ranges, which no real administrator can be in. */
function openAndExampleSources(settings: StackSettings, stack: string, options: ParseOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (settings.allowAdminFromAnywhere) {
    problems.push({ key: `${CONFIG_NAMESPACE}:allowAdminFromAnywhere`, path: [], at: "value", severity: "warning",
      message: `SSH (22) and Webmin (10000) of every ${stack} node are open to the world (allowAdminFromAnywhere)` });
  }
  for (const field of ["sshSourceCidrs", "panelSourceCidrs"] as const) {
    const key = `${CONFIG_NAMESPACE}:${field}`;
    const examples = settings[field].map((source, index) => ({ source, index, rfc: documentationRange(parseCidr(source)!) }))
      .filter((e) => e.rfc !== undefined);
    const first = examples[0];
    if (!first) continue;
    problems.push({ key, path: [first.index], at: "value", severity: options.documentationAddresses,
      message: `${key}: ${examples.map((e) => e.source).join(", ")} ${examples.length === 1 ? "is a documentation address" : "are documentation addresses"} ` +
        `(${[...new Set(examples.map((e) => e.rfc))].join(", ")}); ` +
        (options.documentationAddresses === "error" ? "no administrator can connect from there" : "fine for this offline example, but `pulumi up` refuses them") +
        `; set your admin sources (the whole list): pulumi config set ${key} '["<your-cidr>"]' -s ${stack}` });
  }
  return problems;
}

/** The bundled example's DNS zone, Cloudflare zone id and registration URL: a real run
 *  would create billed servers and then fail at DNS or registration, so it stops before
 *  any resource is declared. */
function exampleValues(settings: StackSettings, stack: string, options: ParseOptions): ConfigProblem[] {
  const found: { field: string; value: string; why: string; placeholder: string }[] = [];
  if (isDocumentationDomain(settings.dnsZone)) {
    found.push({ field: "dnsZone", value: settings.dnsZone, why: "is a domain reserved for documentation (RFC 2606)", placeholder: "<your-zone>" });
  }
  if (settings.cloudflareZoneId === DOCUMENTATION_ZONE_ID) {
    found.push({ field: "cloudflareZoneId", value: settings.cloudflareZoneId, why: "is the zone id of Cloudflare's API examples", placeholder: "<zone-id>" });
  }
  const url = settings.registrationUrl;
  const host = url === undefined ? undefined : documentationUrlHost(url);
  if (url !== undefined && host !== undefined) {
    found.push({ field: "registrationUrl", value: url, why: `names ${host}, a host reserved for documentation (RFC 2606)`, placeholder: "<https-url>" });
  }
  const outcome = options.documentationAddresses === "error" ? "a real deployment cannot use it" : "fine for this offline example, but `pulumi up` refuses it";
  return found.map(({ field, value, why, placeholder }) => {
    const key = `${CONFIG_NAMESPACE}:${field}`;
    return { key, path: [], at: "value", severity: options.documentationAddresses,
      message: `${key}: ${value} ${why}; ${outcome}; set your own: pulumi config set ${key} ${placeholder} -s ${stack}` };
  });
}

/** How a value typed by the schema is read from the text Pulumi hands over: maps and
 *  lists as JSON (the Node.js SDK's Config.getObject), everything else as text, which
 *  booleans and numbers then coerce (settings.ts Flag, Count). */
function decodeText(name: string, text: string): unknown {
  const field = StackSettingsFields.shape[name as keyof typeof StackSettingsFields.shape] as z.ZodType | undefined;
  if (!field || !isStructured(field)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isStructured(schema: z.ZodType): boolean {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current instanceof z.ZodObject || current instanceof z.ZodArray;
}

/** `node-fleet:backups.retentionDays`, `node-fleet:sshSourceCidrs[1]`: the form
 *  `pulumi config set --path` takes. */
function label(key: string, path: readonly (string | number)[]): string {
  return key + path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

function quoted(text: string): string {
  return /[[\]]/.test(text) ? `'${text}'` : text;
}

function fixSet(key: string, path: readonly (string | number)[], stack: string, value = "<value>"): string {
  return `pulumi config set ${path.length ? "--path " : ""}${quoted(label(key, path))} ${value} -s ${stack}`;
}

function unknownKey(key: string, stack: string): string {
  const known = Object.keys(StackSettingsFields.shape);
  const name = key.slice(CONFIG_NAMESPACE.length + 1);
  const field = /^([^.[]+)[.[]/.exec(name)?.[1];
  if (field !== undefined && known.includes(field)) {
    // `pulumi config set node-fleet:timeouts.sshWait 600` without --path stores that whole text as one key.
    return `"${key}" was stored as one key, not as a path into ${CONFIG_NAMESPACE}:${field}; set it again with --path: ` +
      `pulumi config rm ${quoted(key)} -s ${stack} && pulumi config set --path ${quoted(key)} <value> -s ${stack}`;
  }
  return `unknown config key "${key}"${didYouMean(name, known)}; allowed: ${known.join(", ")}; remove it: pulumi config rm ${key} -s ${stack}`;
}
