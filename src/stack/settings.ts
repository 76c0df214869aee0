import { isIP } from "node:net";
import { z } from "zod";
import { cronProblem } from "../fleet/cron";
import { ENVIRONMENTS } from "../fleet/naming";
import { registrationUrlProblem } from "../register/url";

/** Pulumi config namespace of this project (`node-fleet:dnsZone`). */
export const CONFIG_NAMESPACE = "node-fleet";

/** Everywhere (seed 000 "Decisions Made": SSH open to all unless a stack restricts it). */
export const ANYWHERE = ["0.0.0.0/0", "::/0"] as const;

const Cidr = z.string().refine((value) => {
  const [address, bits, ...rest] = value.split("/");
  const family = isIP(address ?? "");
  const max = family === 6 ? 128 : 32;
  return family !== 0 && rest.length === 0 && bits !== undefined && /^\d+$/.test(bits) && Number(bits) <= max;
}, { error: (iss) => `"${String(iss.input)}" is not a CIDR; expected e.g. 203.0.113.7/32 or 2001:db8::/48` });

const Domain = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  "must be a lowercase DNS zone such as infra.example.com");

/** Stack settings (Pulumi.<stack>.yaml, namespace node-fleet), seed 000 "System
 *  Settings" in Pulumi form. Secrets are not here: they are read at the edge with
 *  `getSecret` so they stay secret outputs (see src/config.ts). */
export const StackSettingsSchema = z.strictObject({
  /** prd | stg | dev; must equal the stack name, and selects the nodes deployed. */
  environment: z.enum(ENVIRONMENTS.map((e) => e.code) as [string, ...string[]]),
  /** Fleet file, relative to the project directory. */
  fleetFile: z.string().min(1).default("fleet.yaml"),
  /** DNS zone of node names: `<hostname>.<dnsZone>`. */
  dnsZone: Domain,
  /** Cloudflare zone id of dnsZone (32 hex characters, from the zone's overview page). */
  cloudflareZoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be the 32-character hex zone id from Cloudflare"),
  /** Sources allowed to reach SSH (22). */
  sshSourceCidrs: z.array(Cidr).min(1).default([...ANYWHERE]),
  /** Sources allowed to reach Webmin/Virtualmin (10000). */
  panelSourceCidrs: z.array(Cidr).min(1).default([...ANYWHERE]),
  /** Sources the platform calls the panel's API from: the only addresses Webmin accepts
   *  the API user's login from (none while unset). Port 10000 must be open to them. */
  platformSourceCidrs: z.array(Cidr).default([]),
  /** Accept HTTP/HTTPS only from Cloudflare's published ranges (seed 003). */
  httpFromCloudflareOnly: z.boolean().default(false),
  /** Delete/rebuild protection for this stack's nodes; defaults to on for prd only. */
  protect: z.boolean().optional(),
  /** Optional fleet-wide emergency key (seed 000 master key), an OpenSSH public key. */
  masterSshPublicKey: z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+( .*)?$/,
    "must be an OpenSSH public key line, e.g. ssh-ed25519 AAAA… admin@example.com").optional(),
  /** Backup defaults for nodes that do not set their own. */
  backups: z.strictObject({
    enabled: z.boolean().default(true),
    retentionDays: z.number().int().min(1).max(3650).default(7),
    schedule: z.string().refine((v) => !cronProblem(v), { error: (iss) => `"${String(iss.input)}" is not a 5-field cron schedule` })
      .default("0 2 * * *"),
  }).prefault({}),
  /** Time limits, in seconds (seed 000 "Timeouts"). */
  timeouts: z.strictObject({
    serverCreate: z.number().int().positive().default(600),
    provision: z.number().int().positive().default(1800),
    sshWait: z.number().int().positive().default(300),
    registration: z.number().int().positive().default(120),
  }).prefault({}),
  /** The hosting platform's node registry; the token is the secret `registrationToken`. */
  registrationUrl: z.string().refine((v) => !registrationUrlProblem(v), { error: (iss) => registrationUrlProblem(String(iss.input)) })
    .optional(),
  /** Seed 000 "Feature Flags". */
  features: z.strictObject({
    autoRegistration: z.boolean().default(true),
    costTracking: z.boolean().default(true),
  }).prefault({}),
}).superRefine((s, ctx) => {
  if (s.features.autoRegistration && !s.registrationUrl) {
    ctx.addIssue({ code: "custom", path: ["registrationUrl"],
      message: "registrationUrl is required while features.autoRegistration is on; set it, or turn autoRegistration off" });
  }
});
export type StackSettings = z.infer<typeof StackSettingsSchema>;

/** Keys read as secrets; they may only be set with `pulumi config set --secret`. */
export const SECRET_KEYS = {
  registrationToken: `${CONFIG_NAMESPACE}:registrationToken`,
  hcloudToken: "hcloud:token",
  cloudflareToken: "cloudflare:apiToken",
} as const;

/** Whether nodes of this stack get delete/rebuild protection unless a node says otherwise. */
export function stackProtects(settings: StackSettings): boolean {
  return settings.protect ?? settings.environment === "prd";
}
