import { z } from "zod";

/** Where a node records its backup runs (the backup role's `backup_status_file`). */
export const BACKUP_STATUS_FILE = "/var/lib/node-fleet/backup-status.json";

const Run = z.object({
  result: z.enum(["ok", "failed"]),
  exitCode: z.number().int(),
  /** local | open | init | upload | retention | done | check */
  stage: z.string(),
  message: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  snapshot: z.string().optional(),
});

/** The status file as ansible/roles/backup/files/usr/local/lib/node-fleet/backup-status.py
 *  writes it: the last run, the last successful run (kept through failures) and the
 *  last `restic check`. */
export const BackupStatusSchema = z.object({
  last: Run.optional(),
  lastSuccess: Run.optional(),
  check: Run.optional(),
});
export type BackupStatus = z.infer<typeof BackupStatusSchema>;

/** How old a node's newest good off-node backup is, judged against the stack's limit. */
export interface BackupFreshness {
  readonly ok: boolean;
  /** One line for `fleet health`. */
  readonly detail: string;
  readonly lastSuccessAt?: string;
  readonly ageHours?: number;
}

/** A node is fine when its last successful off-node backup is at most `maxAgeHours`
 *  old, whatever happened since; a failed last run is named either way, so a failure is
 *  seen the day it happens, before the age limit is reached. A failed repository check
 *  is never fine: the backups may not restore. */
export function backupFreshness(status: BackupStatus | undefined, now: Date, maxAgeHours: number): BackupFreshness {
  const success = status?.lastSuccess;
  const lastFailed = status?.last?.result === "failed" ? status.last : undefined;
  const failure = lastFailed ? `; last run failed at ${lastFailed.finishedAt} (${lastFailed.stage}, exit ${lastFailed.exitCode}): ${lastFailed.message}` : "";
  const check = status?.check?.result === "failed" ? status.check : undefined;
  const checkText = check ? `; repository check failed at ${check.finishedAt} (exit ${check.exitCode}): ${check.message}` : "";
  if (!success) return { ok: false, detail: `no successful off-node backup recorded${failure}${checkText}` };
  const ageHours = Math.round(((now.getTime() - Date.parse(success.finishedAt)) / 3_600_000) * 10) / 10;
  const snapshot = success.snapshot ? ` (snapshot ${success.snapshot.slice(0, 8)})` : "";
  const fresh = ageHours <= maxAgeHours;
  const age = fresh ? `last off-node backup ${ageHours} h ago${snapshot}` : `last off-node backup ${ageHours} h ago${snapshot}, older than ${maxAgeHours} h`;
  return { ok: fresh && !check, detail: `${age}${failure}${checkText}`, lastSuccessAt: success.finishedAt, ageHours };
}

/** Reads the status file's text; anything unreadable is reported, never taken as "no backup". */
export function parseBackupStatus(text: string): BackupStatus {
  if (text.trim() === "") return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${BACKUP_STATUS_FILE} is not JSON`);
  }
  const parsed = BackupStatusSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${BACKUP_STATUS_FILE} is not a backup status: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
