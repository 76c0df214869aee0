import { z } from "zod";
import { issueAt, type Issue } from "./issues";
import { didYouMean } from "./suggest";
import { posOfPath, type YamlPath, type YamlSource } from "./yaml-source";

/** Where the parsed data sits in the YAML file, and how to name a field in messages. */
export interface ZodSourceOptions {
  /** The YAML path of the parsed value (when a part of the file was parsed alone). */
  readonly at?: YamlPath;
  /** Names the field at a schema path, e.g. `backups.retentionDays of <node>`. */
  readonly label?: (path: YamlPath) => string;
}

/** Turns a zod error on data read from `source` into positioned issues that say what
 *  was found, what was expected and what is allowed. `schema` is the one that was
 *  parsed, so unknown keys can list the known ones and suggest the closest. */
export function zodIssuesToIssues(
  source: YamlSource, schema: z.ZodType, error: z.ZodError, code: string, options: ZodSourceOptions = {},
): Issue[] {
  const at = options.at ?? [];
  const label = options.label ?? ((path: YamlPath) => path.join(".") || "document");
  return error.issues.flatMap((iss) => {
    const path = iss.path.map((p) => (typeof p === "number" ? p : String(p)));
    if (iss.code === "unrecognized_keys") {
      const allowed = objectKeysAt(schema, path);
      return iss.keys.map((key) => issueAt(posOfPath(source, [...at, ...path, key], "key"), code,
        `unknown field "${key}"${path.length ? ` in ${label(path)}` : ""}${didYouMean(key, allowed)}` +
        (allowed.length ? `; allowed: ${allowed.join(", ")}` : "")));
    }
    const missing = iss.code === "invalid_type" && iss.input === undefined;
    return [issueAt(posOfPath(source, [...at, ...path], missing ? "key" : "value"), code, describeZodIssue(iss, label(path)))];
  });
}

/** One zod issue as `<field> must be …, found …` (unknown keys excepted: their message
 *  needs the schema, see zodIssuesToIssues). */
export function describeZodIssue(iss: z.core.$ZodIssue, field: string): string {
  const found = "input" in iss ? show(iss.input) : undefined;
  switch (iss.code) {
    case "invalid_type":
      return iss.input === undefined
        ? `${field} is required`
        : `${field} must be ${article(iss.expected)}, found ${found}`;
    case "invalid_value":
      return `${field} is ${found}; allowed: ${iss.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
      return `${field} must ${bound("more", iss.inclusive ?? true, iss.minimum, iss.origin)}, found ${found}`;
    case "too_big":
      return `${field} must ${bound("less", iss.inclusive ?? true, iss.maximum, iss.origin)}, found ${found}`;
    default:
      return `${field}: ${iss.message}`;
  }
}

/** `be at least 1`, `be greater than 0`, `have at least 1 item`: an exclusive bound is
 *  said as one, so `positive()` never reads "at least 0, found 0". */
function bound(side: "more" | "less", inclusive: boolean, limit: number | bigint, origin: string): string {
  const unit = origin === "string" ? " characters" : origin === "array" || origin === "set" ? (limit === 1 ? " item" : " items") : "";
  const verb = unit && origin !== "string" ? "have" : "be";
  if (inclusive || unit) return `${verb} ${side === "more" ? "at least" : "at most"} ${limit}${unit}`;
  return `be ${side === "more" ? "greater" : "less"} than ${limit}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: "a map", array: "a list", string: "a string", number: "a number", boolean: "true or false",
    int: "a whole number", record: "a map",
  };
  return names[expected] ?? expected;
}

/** A value as a user would write it, kept short. */
export function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a map";
  const text = typeof value === "string" ? `"${value}"` : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** The keys an object schema accepts at `path` (empty when it is not an object). */
export function objectKeysAt(schema: z.ZodType, path: YamlPath): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return [];
    current = current && unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}
