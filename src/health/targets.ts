import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { z } from "zod";
import type { Catalog } from "../catalog/catalog";
import { validateFleetFile } from "../fleet/validate";
import { planFleet } from "../plan/node-plan";
import { displayPath } from "../source/display-path";
import { hasErrors, InvalidInputError, issueAt } from "../source/issues";
import { dataOf, parseYamlSource } from "../source/yaml-source";
import { readStackFile } from "../stack/stack-file";
import { withTimeout } from "./probes/tcp";
import type { HealthTarget, NodeAddress } from "./types";

const Address = z.strictObject({
  // A port or brackets would only fail later, as a DNS error: probes use the node's own ports.
  address: z.string().refine((a) => isIP(a) !== 0, "must be an IPv4 or IPv6 address, without a port or brackets"),
  hostKey: z.string().regex(/^ssh-ed25519 [A-Za-z0-9+/=]+( .*)?$/, "must be an ssh-ed25519 public key line").optional(),
  created: z.iso.datetime({ offset: true }).optional(),
  /** `openssl x509 -noout -fingerprint -sha256` of the panel's certificate, recorded at provisioning. */
  panelCertSha256: z.string().regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, "must be a SHA-256 fingerprint AB:CD:… (32 bytes)").optional(),
});
/** `--targets FILE`: `{hostname: {address, hostKey?, created?, panelCertSha256?}}`. */
export const TargetsFileSchema = z.record(z.string(), Address);

/** Where node addresses come from besides the targets file: the stack's outputs
 *  (src/health/stack.ts) when the Pulumi CLI is there. */
export interface AddressSource {
  readonly name: string;
  addresses(hostnames: readonly string[]): Promise<ReadonlyMap<string, NodeAddress>>;
}

export interface TargetOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleetFile?: string;
  readonly targetsFile?: string;
  readonly catalog: Catalog;
  /** Consulted for nodes the targets file does not list. */
  readonly source?: AddressSource;
  /** Why there is no source (e.g. how to install the Pulumi CLI). */
  readonly sourceUnavailable?: string;
  /** Told when the source fails; its nodes then fall back to DNS. */
  readonly warn?: (message: string) => void;
  /** Resolves an FQDN; DNS by default. */
  readonly lookupHost?: (fqdn: string) => Promise<string>;
  readonly dnsTimeoutMs?: number;
}

/** The stack's nodes with their addresses: the targets file first, then the
 *  address source, then DNS. A node none of them knows stays a target with the
 *  reason, so the report shows it instead of silently dropping it. */
export async function resolveTargets(opts: TargetOptions): Promise<HealthTarget[]> {
  const { stack, issues } = readStackFile(opts.projectDir, opts.stack);
  if (!stack) throw new InvalidInputError(issues);
  const fleetPath = resolve(opts.projectDir, opts.fleetFile ?? stack.settings.fleetFile);
  const validation = validateFleetFile(fleetPath, opts.catalog);
  if (!validation.fleet || hasErrors(validation.issues)) throw new InvalidInputError(validation.issues);
  const plans = planFleet(validation.fleet, opts.catalog, stack.settings);
  const specs = new Map(validation.fleet.nodes.map((n) => [n.hostname, n.spec]));

  const listed = opts.targetsFile ? readTargetsFile(opts.targetsFile) : {};
  const ofStack = new Set(plans.map((p) => p.hostname));
  const strangers = Object.keys(listed).filter((h) => !ofStack.has(h));
  if (opts.targetsFile && strangers.length > 0) {
    // A typo in a hostname would otherwise leave its node to DNS, silently.
    const at = { file: displayPath(opts.targetsFile), line: 1, col: 1 };
    throw new InvalidInputError(strangers.map((h) => issueAt(at, "targets-file",
      `"${h}" is not a node of stack ${opts.stack} (${displayPath(fleetPath)}); correct or remove the entry`)));
  }
  const unlisted = plans.map((p) => p.hostname).filter((h) => !listed[h]);
  let sourceProblem: string | undefined;
  const fromSource = opts.source && unlisted.length > 0
    ? await opts.source.addresses(unlisted).catch((err: unknown): ReadonlyMap<string, NodeAddress> => {
      sourceProblem = `${opts.source!.name} unreadable (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
      opts.warn?.(`${sourceProblem}; using ${opts.targetsFile ? "the targets file and " : ""}DNS`);
      return new Map();
    })
    : new Map<string, NodeAddress>();
  const lookupHost = opts.lookupHost ?? ((fqdn: string) => lookup(fqdn).then((r) => r.address));
  const dnsTimeout = opts.dnsTimeoutMs ?? 3000;

  return Promise.all(plans.map(async (plan): Promise<HealthTarget> => {
    let resolved: HealthTarget["resolved"] | undefined = listed[plan.hostname] ?? fromSource.get(plan.hostname);
    if (!resolved) {
      try {
        resolved = { address: await withTimeout(lookupHost(plan.fqdn), dnsTimeout, () => undefined) };
      } catch (err) {
        const sources = [opts.targetsFile ? `not in ${displayPath(opts.targetsFile)}` : "no --targets file",
          opts.source ? sourceProblem ?? `not in ${opts.source.name}` : opts.sourceUnavailable ?? "stack outputs not connected (needs the Pulumi CLI and the Automation API library)",
          `DNS has no address for ${plan.fqdn} (${(err as Error).message})`];
        resolved = { problem: `no address: ${sources.join("; ")}` };
      }
    }
    return {
      hostname: plan.hostname,
      fqdn: plan.fqdn,
      generation: plan.rebuild,
      maintenance: plan.status === "maintenance",
      autoRebuild: specs.get(plan.hostname)?.autoRebuild ?? false,
      protect: plan.protect,
      panelUser: plan.panel.apiUser,
      resolved,
    };
  }));
}

/** Reads and checks a targets file; a bad file stops the run with its problems. */
export function readTargetsFile(path: string): z.infer<typeof TargetsFileSchema> {
  const file = displayPath(path);
  const at = { file, line: 1, col: 1 };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
    JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError([issueAt(at, "targets-file", `cannot read targets file: ${(err as Error).message}`)]);
  }
  // JSON is YAML: read through the YAML checks, a hostname listed twice is named with
  // both lines instead of JSON.parse keeping the last address.
  const { source, issues } = parseYamlSource(file, text);
  if (hasErrors(issues)) throw new InvalidInputError(issues);
  const data = dataOf(source);
  const parsed = TargetsFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidInputError(parsed.error.issues.map((iss) => issueAt(at, "targets-file",
      `${iss.path.map(String).join(".") || "top level"}: ${iss.message}; expected {"<hostname>": {"address": "203.0.113.7", "hostKey": "ssh-ed25519 AAAA…"}}`)));
  }
  return parsed.data;
}
