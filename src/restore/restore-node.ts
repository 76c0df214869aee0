import { z } from "zod";
import { NODE_BACKUP_EXIT } from "../backup/exit-codes";
import { sshShell, type NodeShell } from "../backup/node-shell";
import { OperationRefusedError } from "../automation/errors";
import type { FleetAutomation, Report, RunOptions } from "../automation/operations";
import { domainsAnswer, type DomainAnswer } from "./verify-domains";
import { nodeRestoreCommand, parseRestoreOutput, restoreFailure, RestoreFailedError, type NodeRestoreOutput } from "./node-command";

export interface RestoreOptions extends RunOptions {
  /** Restore the backup of this node (one the target `replaces:`); default: the target's own. */
  readonly from?: string;
  /** `latest` (default) or a snapshot id. */
  readonly snapshot?: string;
  /** Restore over domains the target already hosts. */
  readonly overwrite?: boolean;
  /** Restore into a scratch directory on the node and check every archive; change nothing. */
  readonly drill?: boolean;
  /** Time the restore on the node may take (default 4 h). */
  readonly timeoutMs?: number;
  /** Time each restored domain has to answer (default 15 s). */
  readonly answerTimeoutMs?: number;
  /** Ports to reach the node on (SSH, HTTP); the defaults are the node's. */
  readonly ports?: { readonly ssh: number; readonly http: number };
}

export interface RestoreReport extends NodeRestoreOutput {
  readonly hostname: string;
  readonly from: string;
  readonly drill: boolean;
  /** Every restored domain's answer (empty for a drill, which serves nothing). */
  readonly answers: readonly DomainAnswer[];
  readonly operation: Report;
}

/** The stack outputs a restore needs (src/program.ts StackOutputs). */
const RestoreOutputs = z.object({
  nodes: z.record(z.string(), z.looseObject({ ipv4: z.string(), hostPublicKey: z.string() })),
  adminKeys: z.record(z.string(), z.string()).optional(),
  backupPasswords: z.record(z.string(), z.string()).optional(),
});

/** Restores a node from its off-node backup (or a predecessor's, `from`) through the
 *  Automation API library: an operation with a correlation id, events and audit
 *  records. On the node, node-fleet-restore restores Virtualmin's global settings, then
 *  every domain, then moves the domains to the node's address; here, every restored
 *  domain must then answer over HTTP at the node's address, or the restore fails
 *  (exit 33) even though the files are back. Refused (exit 30) when the node already
 *  hosts domains, unless `overwrite`. */
export async function restoreNode(fleet: Pick<FleetAutomation, "onNode">, hostname: string, options: RestoreOptions = {}): Promise<RestoreReport> {
  const drill = options.drill ?? false;
  const from = options.from ?? hostname;
  const { report, result } = await fleet.onNode(drill ? "restore-drill" : "restore", hostname, options, async (raw, ctx) => {
    const parsed = RestoreOutputs.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected stack outputs: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
    const { nodes, adminKeys, backupPasswords } = parsed.data;
    const node = nodes[hostname];
    const key = adminKeys?.[hostname];
    if (!node || node.ipv4 === "" || !key) {
      throw new OperationRefusedError(`node ${hostname} has no address or admin key in the stack's outputs; nothing was restored`, ctx.correlationId,
        ["deploy the node first (`fleet up`); stacks deployed before restores existed get the adminKeys output with their next `fleet up`"]);
    }
    const password = from === hostname ? undefined : backupPasswords?.[from];
    if (from !== hostname && !password) {
      throw new OperationRefusedError(`the stack's outputs hold no backup password for ${from}; nothing was restored`, ctx.correlationId,
        [`--from names a node of this stack (the one ${hostname} replaces)`]);
    }
    const shell: NodeShell = sshShell({ address: node.ipv4, hostKey: node.hostPublicKey, privateKey: key, port: options.ports?.ssh ?? 22 },
      options.timeoutMs ?? 4 * 3_600_000);
    const command = nodeRestoreCommand({
      from, snapshot: options.snapshot ?? "latest", overwrite: options.overwrite ?? false, drill, ...(drill ? {} : { newIp: node.ipv4 }),
    }, hostname);
    const run = await shell(command, password);
    if (run.code === NODE_BACKUP_EXIT.restoreRefused) {
      throw new OperationRefusedError(run.stderr.trim().replace(/^node-fleet-restore: FAILED: /, ""), ctx.correlationId,
        ["restore over them with --overwrite (library: overwrite: true) if they are the node's own half-restored or stale domains"]);
    }
    if (run.code !== 0) throw restoreFailure(run.code, run.stderr);
    const output = parseRestoreOutput(run.stdout);
    if (drill) return { output, answers: [] };
    const answers = await domainsAnswer(node.ipv4, output.domains, options.answerTimeoutMs ?? 15_000, options.ports?.http ?? 80);
    const silent = answers.filter((a) => !a.ok);
    if (silent.length > 0) {
      throw new RestoreFailedError(`restored ${output.domains.length} domains, but ${silent.length} do not answer: ` +
        silent.map((a) => `${a.domain} (${a.detail})`).join(", "), NODE_BACKUP_EXIT.domainsNotAnswering);
    }
    return { output, answers };
  });
  return { hostname, from, drill, ...result.output, answers: result.answers, operation: report };
}
