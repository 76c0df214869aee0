import { auditSinksFromEnv } from "../audit/config";
import { FleetAutomation } from "../automation/operations";
import { PulumiCliError } from "../automation/pulumi-cli";
import { askEachNode, type NodeLogin, type NodeShell } from "../backup/node-shell";
import { escapeControl } from "../source/control-chars";

/** One node's barriers before the cloud metadata service, as `fleet health` reports them. */
export interface MetadataBarrier {
  readonly hostname: string;
  readonly ok: boolean;
  /** One line for `fleet health`. */
  readonly detail: string;
}

/** The units whose processes run customers' code, each denied the metadata address by a
 *  drop-in (ansible/roles/security/defaults/main.yml security_metadata_denied_units, which
 *  a test holds equal to this list). */
export const METADATA_DENIED_UNITS = [
  "user-.slice", "cron.service", "atd.service", "apache2.service", "nginx.service", "php8.2-fpm.service",
  "webmin.service", "usermin.service", "postfix@.service", "dovecot.service",
] as const;

/** What root on the node answers (ansible/roles/security: the nftables table
 *  `inet node_fleet_metadata` and the IPAddressDeny= drop-ins of the units that run
 *  customers' code). An `nft flush ruleset` removes the table until its service starts
 *  again; the check reads the live ruleset, not the files that would restore it. */
export const METADATA_BARRIER_PROBE = [
  "if nft list table inet node_fleet_metadata 2>/dev/null | grep -q 169.254.169.254; then echo nftables=loaded; else echo nftables=missing; fi",
  `for u in ${METADATA_DENIED_UNITS.join(" ")}; do grep -qs '^IPAddressDeny=169.254.169.254' "/etc/systemd/system/$u.d/10-node-fleet-metadata.conf" || echo "systemd-missing=$u"; done`,
  "echo systemd=read",
].join("; ");

/** The verdict on the probe's answer: both barriers there, or which is gone. */
export function judgeMetadataBarrier(stdout: string): { ok: boolean; detail: string } {
  const lines = stdout.split("\n").map((line): [string, string] => {
    const [name = "", value = ""] = line.trim().split("=");
    return [name, value];
  });
  const seen = new Map(lines);
  const nft = seen.get("nftables");
  const unguarded = lines.filter(([name]) => name === "systemd-missing").map(([, unit]) => unit);
  if (!nft || seen.get("systemd") !== "read") return { ok: false, detail: `unknown: unexpected answer ${JSON.stringify(escapeControl(stdout.slice(0, 200)))}` };
  const gone = [
    ...(nft === "loaded" ? [] : ["the nftables table inet node_fleet_metadata is GONE (restore: systemctl restart node-fleet-metadata-block)"]),
    ...(unguarded.length === 0 ? [] : [`${escapeControl(unguarded.join(", "))} lack IPAddressDeny=169.254.169.254 (re-provision the node)`]),
  ];
  return gone.length === 0
    ? { ok: true, detail: "blocked for customers (nftables and systemd)" }
    : { ok: false, detail: `METADATA REACHABLE: ${gone.join("; ")}` };
}

/** Asks each node over SSH, with the host key pinned in the stack outputs and the node's
 *  own admin key, whether its metadata barriers are in place. A node that cannot be asked
 *  is reported as such, never as blocked. `shellFor` is where the SSH channel comes from. */
export async function readMetadataBarriers(outputs: unknown, hostnames: readonly string[], timeoutMs: number,
  shellFor?: (login: NodeLogin) => NodeShell): Promise<MetadataBarrier[]> {
  const answers = await askEachNode(outputs, hostnames, METADATA_BARRIER_PROBE, timeoutMs, shellFor);
  return answers.map((answer): MetadataBarrier => {
    const { hostname } = answer;
    if ("unasked" in answer) return { hostname, ok: false, detail: `unknown: ${answer.unasked}` };
    if (answer.run.code !== 0) {
      return { hostname, ok: false, detail: `unknown: not asked over SSH: ${escapeControl(answer.run.stderr.trim().split("\n").at(-1) ?? "")}` };
    }
    return { hostname, ...judgeMetadataBarrier(answer.run.stdout) };
  });
}

export interface StackMetadataBarriersOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly hostnames: readonly string[];
  readonly timeoutMs: number;
}

/** Each node's metadata barriers, read with the stack's outputs; a one-line reason when
 *  they cannot be read (no Pulumi CLI, no outputs). */
export async function stackMetadataBarriers(opts: StackMetadataBarriersOptions): Promise<{ barriers: MetadataBarrier[] } | { unavailable: string }> {
  const fleet = new FleetAutomation({ stack: opts.stack, projectDir: opts.projectDir, env: opts.env, auditSinks: auditSinksFromEnv(opts.env, "off") });
  try {
    return { barriers: await readMetadataBarriers(await fleet.outputs({ showSecrets: true }), opts.hostnames, opts.timeoutMs) };
  } catch (err) {
    if (err instanceof PulumiCliError) return { unavailable: err.message };
    return { unavailable: `the stack's outputs could not be read: ${(err as Error).message.split("\n")[0]}` };
  }
}
