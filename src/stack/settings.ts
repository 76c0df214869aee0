import { z } from "zod";
import { cronProblem } from "../fleet/cron";
import { ENVIRONMENTS } from "../fleet/naming";
import { registrationUrlProblem } from "./registration-url";
import { coerceConfigScalar } from "./pulumi-config";
import { ShardLayoutSchema } from "./shards";
import { formatCidr, hasHostBits, networkOf, parseCidr } from "./cidr";
import { sourceListProblems } from "./admin-sources";
import { sshPublicKeyProblem } from "./ssh-public-key";

/** Pulumi config namespace of this project (`node-fleet:dnsZone`). */
export const CONFIG_NAMESPACE = "node-fleet";

/** Days a node's newest recovery snapshot is kept unless the stack says otherwise. */
export const DEFAULT_RECOVERY_SNAPSHOT_DAYS = 7;

/** Every address, IPv4 and IPv6. */
export const ANYWHERE = ["0.0.0.0/0", "::/0"] as const;

/** A network in CIDR form. Host bits set (`10.1.2.3/24`) usually mean a typo for one
 *  address or for its network; which one is a guess, so both are offered. */
const Cidr = z.string().superRefine((value, ctx) => {
  const cidr = parseCidr(value);
  if (!cidr) {
    ctx.addIssue({ code: "custom", input: value, message: `"${value}" is not a CIDR; expected an address/prefix such as 192.0.2.7/32 or 2001:db8::/48` });
  } else if (hasHostBits(cidr)) {
    const single = formatCidr({ ...cidr, prefix: cidr.family === 4 ? 32 : 128 });
    ctx.addIssue({ code: "custom", input: value,
      message: `"${value}" has host bits set; did you mean the network ${formatCidr(networkOf(cidr))} or the one address ${single}?` });
  }
});

/** Booleans and counts as Pulumi stores them: `pulumi config set` writes text ("true",
 *  "14"), `--path` writes typed values; both read the same (see coerceConfigScalar). */
const Flag = z.preprocess(coerceConfigScalar, z.boolean());
const Count = (schema: z.ZodNumber) => z.preprocess(coerceConfigScalar, schema);

const Domain = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  "must be a lowercase DNS zone such as infra.example.com");

/** Stack settings (Pulumi.<stack>.yaml, namespace node-fleet), seed 000 "System
 *  Settings" in Pulumi form. Secrets are not here: they are read at the edge with
 *  `getSecret` so they stay secret outputs (see src/config.ts). */
export const StackSettingsFields = z.strictObject({
  /** prd | stg | dev; must equal the stack name, and selects the nodes deployed. */
  environment: z.enum(ENVIRONMENTS.map((e) => e.code) as [string, ...string[]]),
  /** Fleet file, relative to the project directory. */
  fleetFile: z.string().min(1).default("fleet.yaml"),
  /** Catalog directory, relative to the project directory; default: the bundled catalog/. */
  catalogDir: z.string().min(1).optional(),
  /** DNS zone of node names: `<hostname>.<dnsZone>`. */
  dnsZone: Domain,
  /** Cloudflare zone id of dnsZone (32 hex characters, from the zone's overview page). */
  cloudflareZoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be the 32-character hex zone id from Cloudflare"),
  /** Admin sources allowed to reach SSH (22); required for prd and stg. */
  sshSourceCidrs: z.array(Cidr).min(1).optional(),
  /** Admin sources allowed to reach Webmin/Virtualmin (10000); required for prd and stg. */
  panelSourceCidrs: z.array(Cidr).min(1).optional(),
  /** dev only: SSH and Webmin open to every address (an explicit choice, warned about). */
  allowAdminFromAnywhere: Flag.default(false),
  /** Sources the platform calls the panel's API from: the only addresses Webmin accepts
   *  the API user's login from (none while unset). Port 10000 must be open to them. */
  platformSourceCidrs: z.array(Cidr).default([]),
  /** Accept HTTP/HTTPS only from Cloudflare's published ranges (seed 003). */
  httpFromCloudflareOnly: Flag.default(false),
  /** Delete/rebuild protection for this stack's nodes; defaults to on for prd only. */
  protect: Flag.optional(),
  /** Splits the environment into shard stacks (src/stack/shards.ts, docs/sharding.md). */
  shards: ShardLayoutSchema.optional(),
  /** Optional fleet-wide emergency key (seed 000 master key), an OpenSSH public key. */
  masterSshPublicKey: z.string().superRefine((value, ctx) => {
    const problem = sshPublicKeyProblem(value);
    if (problem) ctx.addIssue({ code: "custom", input: value, message: `is not an OpenSSH public key line (TYPE BASE64 COMMENT): ${problem}` });
  }).optional(),
  /** Backup defaults for nodes that do not set their own. */
  backups: z.strictObject({
    enabled: Flag.default(true),
    retentionDays: Count(z.number().int().min(1).max(3650)).default(7),
    schedule: z.string().refine((v) => !cronProblem(v), { error: (iss) => `${JSON.stringify(iss.input)} is not a cron schedule: ${cronProblem(String(iss.input))}` })
      .default("0 2 * * *"),
  }).prefault({}),
  /** Days `fleet health` keeps a node's newest recovery snapshot (taken before a rebuild);
   *  older ones go at once (src/health/snapshot-retention.ts). */
  recoverySnapshotDays: Count(z.number().int().min(1).max(365)).default(DEFAULT_RECOVERY_SNAPSHOT_DAYS),
  /** Off-node backups (restic to S3-compatible object storage, e.g. Hetzner Object
   *  Storage); absent means backups stay on the node. The secret access key is the
   *  secret `offsiteBackupSecretKey`; each node's repository password is generated by
   *  Pulumi and is a secret stack output. */
  offsiteBackups: z.strictObject({
    /** The S3 endpoint, `https://fsn1.your-objectstorage.com` (http only for a test store). */
    endpoint: z.string().refine((v) => !s3EndpointProblem(v), { error: (iss) => s3EndpointProblem(String(iss.input)) }),
    /** One bucket for the stack; each node's repository is `<bucket>/<hostname>`. */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens"),
    /** The region S3 signatures name (Hetzner: the location, e.g. fsn1). */
    region: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be a region name such as fsn1 or us-east-1").default("us-east-1"),
    /** The access key id; its secret key is `offsiteBackupSecretKey`. */
    accessKeyId: z.string().regex(/^[A-Za-z0-9+/=_-]{3,128}$/, "must be the object store's access key id"),
    /** Snapshots kept (restic forget --keep-daily/weekly/monthly). */
    keep: z.strictObject({
      daily: Count(z.number().int().min(1).max(3650)).default(7),
      weekly: Count(z.number().int().min(0).max(520)).default(4),
      monthly: Count(z.number().int().min(0).max(1200)).default(6),
    }).prefault({}),
    /** When `restic check` verifies each node's repository (5-field cron, UTC). */
    checkSchedule: z.string().refine((v) => !cronProblem(v), { error: (iss) => `${JSON.stringify(iss.input)} is not a cron schedule: ${cronProblem(String(iss.input))}` })
      .default("30 4 * * 0"),
    /** `fleet health` flags a node whose last good off-node backup is older than this. */
    maxAgeHours: Count(z.number().int().min(1).max(24 * 90)).default(26),
  }).optional(),
  /** Time limits, in seconds (seed 000 "Timeouts"). */
  timeouts: z.strictObject({
    serverCreate: Count(z.number().int().positive()).default(600),
    provision: Count(z.number().int().positive()).default(1800),
    sshWait: Count(z.number().int().positive()).default(300),
    registration: Count(z.number().int().positive()).default(120),
  }).prefault({}),
  /** The hosting platform's node registry; the token is the secret `registrationToken`. */
  registrationUrl: z.string().refine((v) => !registrationUrlProblem(v), { error: (iss) => registrationUrlProblem(String(iss.input)) })
    .optional(),
  /** Seed 000 "Feature Flags". */
  features: z.strictObject({
    autoRegistration: Flag.default(true),
    costTracking: Flag.default(true),
  }).prefault({}),
});

/** The settings with the rules that span fields; admin sources resolved to lists. */
export const StackSettingsSchema = StackSettingsFields.superRefine((s, ctx) => {
  if (s.features.autoRegistration && !s.registrationUrl) {
    ctx.addIssue({ code: "custom", path: ["registrationUrl"],
      message: "registrationUrl is required while features.autoRegistration is on; set it, or turn autoRegistration off" });
  }
  for (const problem of adminSourceProblems(s)) ctx.addIssue({ code: "custom", ...problem });
  // As for a node (src/fleet/rules/prd-protected.ts): prd protection is lifted only in the
  // state, for the resources of one reviewed deployment (docs/deploying-and-lifecycle.md, "Lifecycle").
  if (s.environment === "prd" && s.protect === false) {
    ctx.addIssue({ code: "custom", path: ["protect"],
      message: "prd nodes are always protected; remove it. To rebuild or remove a node, follow the steps `fleet diff` prints" });
  }
}).transform((s) => ({
  ...s,
  sshSourceCidrs: s.sshSourceCidrs ?? [...ANYWHERE],
  panelSourceCidrs: s.panelSourceCidrs ?? [...ANYWHERE],
}));
export type StackSettings = z.output<typeof StackSettingsSchema>;

const ADMIN_SOURCES = { sshSourceCidrs: "SSH (22)", panelSourceCidrs: "Webmin (10000)" } as const;

/** SSH and Webmin are login surfaces: prd and stg must name the admin sources that
 *  reach them, and only dev may open them to the world, by saying so explicitly. The
 *  platform's sources reach the same Webmin port, so they pass the same check
 *  (sourceListProblems, which the policy pack runs too). */
function adminSourceProblems(s: z.output<typeof StackSettingsFields>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (s.allowAdminFromAnywhere && s.environment !== "dev") {
    problems.push({ path: ["allowAdminFromAnywhere"],
      message: `only dev may open SSH and Webmin to the world; ${s.environment} needs admin sources (set allowAdminFromAnywhere to false)` });
  }
  for (const [field, surface] of Object.entries(ADMIN_SOURCES) as [keyof typeof ADMIN_SOURCES, string][]) {
    const sources = s[field];
    if (sources === undefined) {
      if (s.environment !== "dev" || !s.allowAdminFromAnywhere) {
        problems.push({ path: [field], message: `is required: the admin addresses allowed to reach ${surface}` +
          (s.environment === "dev" ? ", or allowAdminFromAnywhere: true to open it to the world on dev" : "") });
      }
      continue;
    }
    problems.push(...listProblems(s, field, sources, surface));
  }
  problems.push(...listProblems(s, "platformSourceCidrs", s.platformSourceCidrs, "the panel API on Webmin (10000)"));
  return problems;
}

function listProblems(s: z.output<typeof StackSettingsFields>, field: string, sources: readonly string[], surface: string) {
  // Entries that are not CIDRs are already reported by the field's own schema.
  const valid = sources.filter((source) => parseCidr(source) !== undefined);
  const worldAllowed = s.environment === "dev" && s.allowAdminFromAnywhere;
  return sourceListProblems(valid, { environment: s.environment, surface, worldAllowed })
    .map((p) => ({ path: p.index === undefined ? [field] : [field, sources.indexOf(valid[p.index]!)], message: p.message }));
}

/** Keys read as secrets; they may only be set with `pulumi config set --secret`. */
export const SECRET_KEYS = {
  registrationToken: `${CONFIG_NAMESPACE}:registrationToken`,
  hcloudToken: "hcloud:token",
  cloudflareToken: "cloudflare:apiToken",
  offsiteBackupSecretKey: `${CONFIG_NAMESPACE}:offsiteBackupSecretKey`,
} as const;

/** Why a text is not an S3 endpoint URL, or undefined. Credentials never go in it. */
export function s3EndpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; expected e.g. https://fsn1.your-objectstorage.com`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `"${value}" must be an http(s) URL`;
  if (url.username || url.password) return "must not carry credentials; set accessKeyId and the secret offsiteBackupSecretKey";
  if (url.pathname !== "/" || url.search || url.hash) return `"${value}" must be the endpoint alone (no path): the bucket is a setting of its own`;
  return undefined;
}

/** Whether nodes of this stack get delete/rebuild protection unless a node says otherwise. */
export function stackProtects(settings: StackSettings): boolean {
  return settings.protect ?? settings.environment === "prd";
}
