/** How Pulumi turns a stack file into the config a program receives, modelled from
 *  pulumi/pulumi sdk/go/common/resource/config (key.go ParseKey, object.go
 *  unmarshalObject / MarshalString / coerce, map.go Map.Decrypt) and the YAML decoder it
 *  uses (gopkg.in/yaml.v3 resolve.go). A program sees one text value per key; structured
 *  values arrive as JSON text. `fleet` reads the committed file through this model, and
 *  the stack program reads what the engine hands it, so both parse the same text. */

/** One config value as a program receives it. */
export interface ConfigValue {
  /** The text a program reads (JSON for maps and lists). Empty for a secret read offline. */
  readonly text: string;
  /** Stored encrypted (`pulumi config set --secret`), or a structure holding such a value. */
  readonly secret: boolean;
}

/** pulumi config/key.go ParseKey: `namespace:name`, or the older `namespace:config:name`
 *  (returned without `config:`, as the Node.js SDK's cleanKey does). */
export function parseConfigKey(key: string): string | undefined {
  const parts = key.split(":");
  if (parts.length === 2) return key;
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "") return `${parts[0]}:${parts[2]}`;
  return undefined;
}

/** pulumi config/object.go coerce: "true" and "false" become booleans, base-10 digits
 *  that do not start with 0 become integers; anything else stays text. This is what
 *  `pulumi config set --path` stores, and how a setting typed boolean or number reads
 *  the text `pulumi config set` stores. */
export function coerceConfigScalar(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  if (value.length > 1 && value.startsWith("0")) return value;
  if (/^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  return value;
}

/** A value decoded from YAML the way yaml.v3 decodes into `interface{}`. */
export type GoValue = null | boolean | number | string | GoValue[] | { [key: string]: GoValue } | { readonly secure: string };

/** yaml.v3 resolve() for a plain (unquoted, untagged) scalar. */
export function resolvePlainScalar(text: string): null | boolean | number | string {
  if (["", "~", "null", "Null", "NULL"].includes(text)) return null;
  if (["true", "True", "TRUE"].includes(text)) return true;
  if (["false", "False", "FALSE"].includes(text)) return false;
  if ([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].includes(text)) return Infinity;
  if (["-.inf", "-.Inf", "-.INF"].includes(text)) return -Infinity;
  if ([".nan", ".NaN", ".NAN"].includes(text)) return NaN;
  const first = text[0] ?? "";
  if (first === ".") {
    const f = Number(text);
    return /^\.\d/.test(text) && !Number.isNaN(f) ? f : text;
  }
  if (!/[-+0-9]/.test(first)) return text;
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (date) return goDate(date);
  const plain = text.replaceAll("_", "");
  const int = goParseInt(plain);
  if (int !== undefined) return int;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return Number(plain);
  return text;
}

/** Go strconv.ParseInt(s, 0, 64): an optional sign, then 0x/0o/0b, a leading 0 for
 *  octal, or decimal. */
function goParseInt(text: string): number | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign = "", digits = ""] = match;
  const body = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const n = Number(body) * (sign === "-" ? -1 : 1);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A date-only timestamp decodes to Go's time.Time; object.go unmarshalObject stores
 *  its String(): `2026-01-02 00:00:00 +0000 UTC`. */
function goDate([, y = "", m = "", d = ""]: RegExpExecArray): string {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return `${date.toISOString().slice(0, 10)} 00:00:00 +0000 UTC`;
}

/** object.go isSecureValue: a map whose only key is `secure`, holding text. */
function isSecureValue(value: GoValue): value is { readonly secure: string } {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    Object.keys(value).length === 1 && typeof (value as Record<string, unknown>).secure === "string";
}

/** Whether a value holds a secret anywhere (object.go object.Secure). */
export function holdsSecret(value: GoValue): boolean {
  if (isSecureValue(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

/** The text a program receives for a decoded value without secrets (object.go
 *  MarshalString, then plaintext.go marshalText): text as is, everything else as JSON.
 *  Throws for values JSON cannot hold (NaN, ±Inf), as Go's json.Marshal does. */
export function configText(value: GoValue): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError(`${String(v)} cannot be stored as config (JSON has no ${String(v)})`);
    return v;
  });
}
