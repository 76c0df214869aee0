import { NODE_BACKUP_EXIT, knownNodeExit, type NodeBackupExit } from "../backup/exit-codes";

/** What to restore onto a node. */
export interface RestoreRequest {
  /** Whose backup: the node itself (after a rebuild) or the node it `replaces:`. */
  readonly from: string;
  /** `latest` or a snapshot id (8 to 64 hex digits). */
  readonly snapshot: string;
  /** Restore over domains the node already hosts. */
  readonly overwrite: boolean;
  /** Restore into a scratch directory and check it, changing nothing. */
  readonly drill: boolean;
  /** The node's IPv4: restored domains on another address are moved to it. */
  readonly newIp?: string;
}

/** What node-fleet-restore reported. */
export interface NodeRestoreOutput {
  readonly snapshot?: { readonly id: string; readonly time: string; readonly path: string };
  readonly domains: readonly string[];
  readonly addressesMoved: readonly { readonly from: string; readonly to: string }[];
  /** Its last line ("restored 2 domains from snapshot …", "drill ok: …"). */
  readonly summary: string;
}

const HOSTNAME = /^[a-z0-9-]{1,63}$/;
const SNAPSHOT = /^(latest|[0-9a-f]{8,64})$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The command line of node-fleet-restore for a request, every value checked first, so
 *  nothing but these shapes ever reaches the node's shell. `self` is the target node:
 *  restoring its own backup needs no `--from` (its own password is on the node). */
export function nodeRestoreCommand(request: RestoreRequest, self: string): string {
  if (!HOSTNAME.test(request.from)) throw new RangeError(`"${request.from}" is not a node hostname`);
  if (!SNAPSHOT.test(request.snapshot)) throw new RangeError(`snapshot "${request.snapshot}" must be latest or a snapshot id (8-64 hex digits)`);
  if (request.newIp !== undefined && !IPV4.test(request.newIp)) throw new RangeError(`"${request.newIp}" is not an IPv4 address`);
  return ["node-fleet-restore", "--snapshot", request.snapshot,
    ...(request.from !== self ? ["--from", request.from] : []),
    ...(request.newIp ? ["--new-ip", request.newIp] : []),
    ...(request.overwrite ? ["--overwrite"] : []),
    ...(request.drill ? ["--drill"] : [])].join(" ");
}

/** Reads node-fleet-restore's stdout: `snapshot ID TIME PATH`, `ip OLD NEW`, `domain NAME`
 *  lines and a summary line last. */
export function parseRestoreOutput(stdout: string): NodeRestoreOutput {
  const lines = stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  let snapshot: NodeRestoreOutput["snapshot"];
  const domains: string[] = [];
  const addressesMoved: { from: string; to: string }[] = [];
  for (const line of lines) {
    const [word, ...rest] = line.split(" ");
    if (word === "snapshot" && rest.length === 3) snapshot = { id: rest[0]!, time: rest[1]!, path: rest[2]! };
    else if (word === "domain" && rest.length === 1) domains.push(rest[0]!);
    else if (word === "ip" && rest.length === 2) addressesMoved.push({ from: rest[0]!, to: rest[1]! });
  }
  return { ...(snapshot ? { snapshot } : {}), domains, addressesMoved, summary: lines.at(-1) ?? "" };
}

/** A restore that did not succeed, with the exit code `fleet restore` ends with. */
export class RestoreFailedError extends Error {
  override readonly name = "RestoreFailedError";
  constructor(message: string, readonly exitCode: NodeBackupExit) {
    super(message);
  }
}

/** The failure a node-fleet-restore exit stands for, with its own last stderr line. A
 *  code that is not ours (255: SSH lost, 143: stopped) is an interrupted restore. */
export function restoreFailure(code: number | null, stderr: string): RestoreFailedError {
  const reason = stderr.trim().split("\n").filter(Boolean).at(-1)?.replace(/^node-fleet-restore: (FAILED: )?/, "") ?? "";
  // ssh's own failure code: the session never started, or the connection broke.
  if (code === 255) return new RestoreFailedError(`the node could not be reached over SSH: ${reason}`, NODE_BACKUP_EXIT.nodeUnreachable);
  const known = knownNodeExit(code);
  if (known === undefined) {
    return new RestoreFailedError(`the restore on the node stopped (exit ${code ?? "signal"})${reason ? `: ${reason}` : ""}; ` +
      "nothing is reported as restored; run the same restore again: it continues over the partial work", NODE_BACKUP_EXIT.interrupted);
  }
  if (known === NODE_BACKUP_EXIT.notConfigured) {
    return new RestoreFailedError(`${reason || "off-node backups are not configured on the node"}`, known);
  }
  return new RestoreFailedError(reason || `node-fleet-restore failed with exit ${known}`, known);
}
