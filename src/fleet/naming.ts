/** Deployment environments (seed 000 "Environment Codes"); a stack deploys one. */
export const ENVIRONMENTS = [
  { code: "prd", name: "Production" },
  { code: "stg", name: "Staging" },
  { code: "dev", name: "Development" },
] as const;
export type Environment = (typeof ENVIRONMENTS)[number]["code"];

/** `{env}-{type}-{provider}-{country}-{region}-{number}`, 3+3+3+2+4+3 letters. */
export const HOSTNAME_FORMAT = "{env}-{type}-{provider}-{country}-{region}-{number}";
export const HOSTNAME_LENGTH = 23;
export const HOSTNAME_EXAMPLE = "prd-sha-het-de-fsn1-001";

/** The six fields of a hostname, in order, with their exact shape. */
export const NAME_FIELDS = [
  { field: "env", pattern: /^[a-z]{3}$/, shape: "3 letters" },
  { field: "type", pattern: /^[a-z]{3}$/, shape: "3 letters" },
  { field: "provider", pattern: /^[a-z]{3}$/, shape: "3 letters" },
  { field: "country", pattern: /^[a-z]{2}$/, shape: "2 letters" },
  { field: "region", pattern: /^[a-z]{3}[0-9]$/, shape: "3 letters and a digit" },
  { field: "number", pattern: /^[0-9]{3}$/, shape: "3 digits" },
] as const;
export type NameField = (typeof NAME_FIELDS)[number]["field"];

/** A hostname split into its fields, with each field's character offset in the name. */
export interface ParsedName {
  readonly hostname: string;
  readonly env: string;
  readonly type: string;
  readonly provider: string;
  readonly country: string;
  readonly region: string;
  readonly number: number;
  readonly offsets: Readonly<Record<NameField, number>>;
}

/** Why a string is not a hostname, and at which character offset. */
export interface NameProblem {
  readonly offset: number;
  readonly message: string;
}

/** Splits a hostname into its fields, or says what is wrong with its shape. Whether
 *  each field's value is known (a real region, an implemented type) is for the rules. */
export function parseHostname(hostname: string): { name: ParsedName } | { problem: NameProblem } {
  const upper = hostname.search(/[A-Z]/);
  if (upper >= 0) {
    return { problem: { offset: upper, message: `hostname "${hostname}" must be lowercase; expected "${hostname.toLowerCase()}"` } };
  }
  const parts = hostname.split("-");
  if (parts.length !== NAME_FIELDS.length || hostname.length !== HOSTNAME_LENGTH) {
    return { problem: { offset: 0, message:
      `hostname "${hostname}" does not follow ${HOSTNAME_FORMAT}: expected ${HOSTNAME_LENGTH} characters in ` +
      `${NAME_FIELDS.length} dash-separated fields (e.g. ${HOSTNAME_EXAMPLE}), found ${hostname.length} characters ` +
      `in ${parts.length} field${parts.length === 1 ? "" : "s"}` } };
  }
  const offsets = {} as Record<NameField, number>;
  let offset = 0;
  for (const [index, spec] of NAME_FIELDS.entries()) {
    const part = parts[index]!;
    if (!spec.pattern.test(part)) {
      return { problem: { offset, message: `${spec.field} "${part}" in hostname "${hostname}" must be ${spec.shape}` } };
    }
    offsets[spec.field] = offset;
    offset += part.length + 1;
  }
  const [env, type, provider, country, region, number] = parts as [string, string, string, string, string, string];
  return { name: { hostname, env, type, provider, country, region, number: Number(number), offsets } };
}

/** Joins fields into a hostname; the number is zero-padded to 3 digits. */
export function formatHostname(f: { env: string; type: string; provider: string; country: string; region: string; number: number }): string {
  return `${f.env}-${f.type}-${f.provider}-${f.country}-${f.region}-${String(f.number).padStart(3, "0")}`;
}

/** The fully qualified name of a node in a DNS zone. */
export function fqdn(hostname: string, zone: string): string {
  return `${hostname}.${zone.replace(/\.$/, "")}`;
}
