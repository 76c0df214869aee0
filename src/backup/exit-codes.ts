/** Exit codes of the node's backup and restore commands (node-fleet-backup,
 *  node-fleet-restore in the backup role), each a fault of its own. `fleet restore`
 *  exits with the same code, so a script can tell them apart from either side. */
export const NODE_BACKUP_EXIT = {
  ok: 0,
  localFailed: 10,
  /** Virtualmin backed up only some domains (its exit 4). */
  localPartial: 11,
  diskFull: 12,
  storeUnreachable: 20,
  wrongKey: 21,
  repositoryDamaged: 22,
  retentionFailed: 23,
  noSnapshot: 24,
  drillFailed: 25,
  locked: 26,
  /** The node already hosts domains and --overwrite was not given. */
  restoreRefused: 30,
  restoreFailed: 31,
  addressesFailed: 32,
  /** Restored, but a restored domain does not answer (checked by `fleet restore`). */
  domainsNotAnswering: 33,
  /** The restore stopped half-way (the SSH session or the command was killed). */
  interrupted: 34,
  /** The node could not be reached over SSH (sysexits EX_UNAVAILABLE, as `fleet`'s). */
  nodeUnreachable: 69,
  notConfigured: 64,
} as const;
export type NodeBackupExit = (typeof NODE_BACKUP_EXIT)[keyof typeof NODE_BACKUP_EXIT];

const KNOWN = new Set<number>(Object.values(NODE_BACKUP_EXIT));

/** The code as one of ours, or undefined for anything else (a killed SSH session: 255). */
export function knownNodeExit(code: number | null): NodeBackupExit | undefined {
  return code !== null && KNOWN.has(code) ? (code as NodeBackupExit) : undefined;
}
