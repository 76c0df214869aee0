import { z } from "zod";
import { sshShell } from "./node-shell";
import { backupFreshness, BACKUP_STATUS_FILE, parseBackupStatus, type BackupFreshness } from "./status";

/** One node's off-node backup as `fleet health` reports it. */
export interface BackupAge extends BackupFreshness {
  readonly hostname: string;
}

/** The stack outputs that reach a node (src/program.ts StackOutputs). */
const NodeLogins = z.object({
  nodes: z.record(z.string(), z.looseObject({ ipv4: z.string(), hostPublicKey: z.string().optional() })).default({}),
  adminKeys: z.record(z.string(), z.string()).optional(),
});

/** Reads each node's backup status file over SSH and judges its age. A node that cannot
 *  be read is reported as such (never as fresh), each in one line. */
export async function readBackupAges(outputs: unknown, hostnames: readonly string[], maxAgeHours: number, now: Date,
  timeoutMs: number): Promise<BackupAge[]> {
  const parsed = NodeLogins.safeParse(outputs);
  if (!parsed.success) throw new Error(`unexpected stack outputs: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
  const { nodes, adminKeys } = parsed.data;
  return Promise.all(hostnames.map(async (hostname): Promise<BackupAge> => {
    const node = nodes[hostname];
    const key = adminKeys?.[hostname];
    if (!node?.ipv4 || !node.hostPublicKey || !key) {
      return { hostname, ok: false, detail: "unknown: the stack's outputs hold no address, host key or admin key for it (deploy with `fleet up`)" };
    }
    const run = await sshShell({ address: node.ipv4, hostKey: node.hostPublicKey, privateKey: key }, timeoutMs)(
      `cat ${BACKUP_STATUS_FILE} 2>/dev/null || true`).catch((err: Error) => ({ code: null, stdout: "", stderr: err.message }));
    if (run.code !== 0) return { hostname, ok: false, detail: `unknown: the status could not be read over SSH: ${run.stderr.trim().split("\n").at(-1) ?? ""}` };
    try {
      return { hostname, ...backupFreshness(parseBackupStatus(run.stdout), now, maxAgeHours) };
    } catch (err) {
      return { hostname, ok: false, detail: `unknown: ${(err as Error).message}` };
    }
  }));
}
