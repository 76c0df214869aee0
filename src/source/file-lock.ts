import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { processAlive, processStartedAt, unlinkQuietly } from "./fs-helpers";

/** Who holds a lock: written into the lock file so that others can judge it stale. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface LockOptions {
  /** How long to wait for another writer before giving up. */
  readonly waitMs?: number;
  /** After this long, a lock held from another machine counts as abandoned (its
   *  process cannot be asked). A lock from this machine is stale when its process
   *  is gone, whatever its age. */
  readonly foreignStaleMs?: number;
  /** Called once when the wait passes a second, with who holds the lock. */
  readonly onWait?: (holder: string) => void;
}

/** A process start time read from /proc is good to about a second (boot time in whole seconds). */
const PID_REUSE_SLACK_MS = 2_000;

/** Thrown when the lock is still held after waiting; the message names the holder. */
export class LockBusyError extends Error {}

/** Runs `work` while holding `<path>.lock`, an exclusive lock file created with O_EXCL
 *  (atomic on local file systems and on NFSv3+), holding pid, host and time. A lock
 *  whose process is gone is broken, under a second short-lived lock so that two
 *  waiters cannot both break it and one delete the other's fresh lock. */
export function withFileLock<T>(path: string, work: () => T, options: LockOptions = {}): T {
  const lock = `${path}.lock`;
  const started = Date.now();
  const deadline = started + (options.waitMs ?? 120_000);
  let announced = false;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    if (tryCreate(lock)) break;
    if (isStale(lock, options.foreignStaleMs ?? 10 * 60_000)) {
      breakStaleLock(lock, () => isStale(lock, options.foreignStaleMs ?? 10 * 60_000));
      continue;
    }
    if (Date.now() > deadline) {
      throw new LockBusyError(`${path} is locked by ${describeHolder(lock)}; try again, or delete ${lock} if that process is gone`);
    }
    if (!announced && Date.now() - started > 1_000) {
      announced = true;
      options.onWait?.(describeHolder(lock));
    }
    sleep(pause + Math.random() * pause);
  }
  try {
    return work();
  } finally {
    unlinkQuietly(lock);
  }
}

function tryCreate(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, "wx", 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } catch (err) {
    // A full disk: no empty lock file may stay behind to block the next writer.
    closeSync(fd);
    unlinkQuietly(lock);
    throw err;
  }
  closeSync(fd);
  return true;
}

/** A lock is stale when its process on this host is gone, when it comes from another
 *  host and is older than `foreignStaleMs`, or when it holds no readable holder and is
 *  older than a few seconds (a writer died between creating and filling it), or when
 *  its pid now belongs to a process that started after the lock was taken. */
function isStale(lock: string, foreignStaleMs: number): boolean {
  const age = ageMs(lock);
  if (age === undefined) return false;
  const holder = readHolder(lock);
  if (!holder) return age > 5_000;
  if (holder.host !== hostname()) return age > foreignStaleMs;
  if (!processAlive(holder.pid)) return true;
  // The pid may since have gone to another process: one younger than the lock is not its holder.
  const started = processStartedAt(holder.pid);
  return started !== undefined && started > Date.parse(holder.since) + PID_REUSE_SLACK_MS;
}

/** Removes `lock` if `stillStale()` holds under a second short-lived lock (`<lock>.break`):
 *  of two processes that both found it stale, the second sees the first one's fresh lock
 *  and leaves it, instead of deleting it and taking the lock too. Also for lock files of
 *  other formats (src/health/store.ts). */
export function breakStaleLock(lock: string, stillStale: () => boolean): void {
  const breaker = `${lock}.break`;
  // A breaker is held for microseconds; one left behind by a crashed process is old.
  if (!tryCreate(breaker)) {
    if ((ageMs(breaker) ?? 0) > 5_000) unlinkQuietly(breaker);
    return;
  }
  try {
    if (stillStale()) unlinkQuietly(lock);
  } finally {
    unlinkQuietly(breaker);
  }
}

function describeHolder(lock: string): string {
  const holder = readHolder(lock);
  return holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : "another writer";
}

function readHolder(lock: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lock, "utf8")) as Partial<Holder>;
    return typeof holder.pid === "number" && typeof holder.host === "string" && typeof holder.since === "string"
      ? { pid: holder.pid, host: holder.host, since: holder.since } : undefined;
  } catch {
    return undefined;
  }
}

/** How long ago `path` was last written, or undefined when it is gone. */
export function ageMs(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
