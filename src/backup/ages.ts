import { askEachNode } from "./node-shell";
import { backupFreshness, BACKUP_STATUS_FILE, parseBackupStatus, type BackupFreshness } from "./status";

/** One node's off-node backup as `fleet health` reports it. */
export interface BackupAge extends BackupFreshness {
  readonly hostname: string;
}

/** Reads each node's backup status file over SSH and judges its age. A node that cannot
 *  be read is reported as such (never as fresh), each in one line. */
export async function readBackupAges(outputs: unknown, hostnames: readonly string[], maxAgeHours: number, now: Date,
  timeoutMs: number): Promise<BackupAge[]> {
  const answers = await askEachNode(outputs, hostnames, `cat ${BACKUP_STATUS_FILE} 2>/dev/null || true`, timeoutMs);
  return answers.map((answer): BackupAge => {
    const { hostname } = answer;
    if ("unasked" in answer) return { hostname, ok: false, detail: `unknown: ${answer.unasked}` };
    const { run } = answer;
    if (run.code !== 0) return { hostname, ok: false, detail: `unknown: the status could not be read over SSH: ${run.stderr.trim().split("\n").at(-1) ?? ""}` };
    try {
      return { hostname, ...backupFreshness(parseBackupStatus(run.stdout), now, maxAgeHours) };
    } catch (err) {
      return { hostname, ok: false, detail: `unknown: ${(err as Error).message}` };
    }
  });
}
