import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import type { HealthEvent } from "../events/health-event";
import { NodeRecordSchema, type NodeRecord } from "./model";
import { ageMs, breakStaleLock } from "../source/file-lock";
import { processAlive } from "../source/fs-helpers";

const StateFileSchema = z.object({
  version: z.literal(1),
  stack: z.string(),
  nodes: z.array(NodeRecordSchema),
  /** Notification limiter memory (see src/notify/limiter.ts). */
  notified: z.record(z.string(), z.array(z.number())).default({}),
});
export type HealthState = z.infer<typeof StateFileSchema>;

/** Where one stack's health state lives: `state.json` (records and incidents),
 *  `events.jsonl` (the audit trail, appended), `last-round.json` (the last round's
 *  checks and backups) and `lock` (who is checking). */
export class StateDir {
  constructor(readonly dir: string, readonly stack: string) {}

  get stateFile(): string { return join(this.dir, "state.json"); }
  get eventsFile(): string { return join(this.dir, "events.jsonl"); }
  get roundFile(): string { return join(this.dir, "last-round.json"); }
  get lockFile(): string { return join(this.dir, "lock"); }

  /** The saved state, or an empty one on the first run. A damaged file stops the
   *  run rather than silently forgetting open incidents. */
  load(): HealthState {
    this.refuseSharedDir();
    let text: string;
    try {
      const fd = openPlainFile(this.stateFile, constants.O_RDONLY);
      try { text = readFileSync(fd, "utf8"); } finally { closeSync(fd); }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, stack: this.stack, nodes: [], notified: {} };
      throw err;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new StateFileError(`${this.stateFile} is not a health state file (${(err as Error).message.replace(/\s+/g, " ")}); move it aside to start afresh`);
    }
    const parsed = StateFileSchema.safeParse(data);
    if (!parsed.success) {
      throw new StateFileError(`${this.stateFile} is not a health state file (${parsed.error.issues[0]?.message}); move it aside to start afresh`);
    }
    return parsed.data;
  }

  /** Writes the whole state to a temporary file, flushes it, then renames it over
   *  the old one: a crash leaves either the old or the new state, never half. */
  save(state: HealthState): void {
    this.replace(this.stateFile, `${JSON.stringify(state, null, 1)}\n`);
  }

  /** The last round as `fleet health --json` prints it (what the dashboard shows),
   *  replaced whole like the state. */
  saveRound(round: unknown): void {
    this.replace(this.roundFile, `${JSON.stringify(round)}\n`);
  }

  /** The last round's document, or undefined before the first round. */
  loadRound(): unknown {
    this.refuseSharedDir();
    let fd: number;
    try {
      fd = openPlainFile(this.roundFile, constants.O_RDONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    try {
      return JSON.parse(readFileSync(fd, "utf8"));
    } catch (err) {
      throw new StateFileError(`${this.roundFile} is not a health round (${(err as Error).message.replace(/\s+/g, " ")}); the next round replaces it`);
    } finally {
      closeSync(fd);
    }
  }

  private replace(file: string, text: string): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.refuseSharedDir();
    // A name nobody can guess, created exclusively: nothing planted in advance is written through.
    const tmp = `${file}.${randomBytes(8).toString("hex")}.tmp`;
    const fd = openPlainFile(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    const dirFd = openSync(this.dir, "r");
    try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
  }

  /** Appends events to the audit trail, one JSON object a line. */
  append(events: readonly HealthEvent[]): void {
    if (events.length === 0) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.refuseSharedDir();
    const fd = openPlainFile(this.eventsFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    try {
      writeFileSync(fd, events.map((e) => `${JSON.stringify({ ...e, time: new Date(e.at).toISOString() })}\n`).join(""));
    } finally {
      closeSync(fd);
    }
  }

  /** A directory anyone can write is one where another user plants links or files the
   *  checker then writes through or reads as its state: refused, not worked around. */
  private refuseSharedDir(): void {
    let mode: number;
    try {
      mode = statSync(this.dir).mode;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    if ((mode & 0o002) !== 0) {
      throw new StateFileError(`health state directory ${this.dir} can be written by every user (mode ${(mode & 0o7777).toString(8)}), ` +
        `who could plant links or files in it; chmod o-w ${this.dir}, or give a --state-dir of your own`);
    }
  }

  /** Takes the directory for this process. A lock left by a process that is gone
   *  is taken over, under the breaker of src/source/file-lock.ts: two runs that find the
   *  same stale lock cannot both take it over (the second would delete the first one's
   *  fresh lock) and so run recovery twice. One held by a live process, or created a
   *  moment ago and not yet filled in, is refused with who holds it. */
  lock(mode: "watch" | "once"): () => void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (let tries = 0; tries < 3; tries++) {
      try {
        const fd = openSync(this.lockFile, "wx", 0o600);
        writeFileSync(fd, JSON.stringify({ pid: process.pid, mode, since: new Date().toISOString() }));
        closeSync(fd);
        return () => rmSync(this.lockFile, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const holder = readHolder(this.lockFile);
        if (!this.lockIsStale()) {
          const who = holder ? `another \`fleet health${holder.mode === "watch" ? " --watch" : ""}\` (pid ${holder.pid}, since ${holder.since})` : "another `fleet health` that is starting";
          throw new StateLockedError(`${who} is checking stack ${this.stack} with state directory ${this.dir}; stop it first, or give this run another --state-dir`);
        }
        breakStaleLock(this.lockFile, () => this.lockIsStale());
      }
    }
    throw new StateLockedError(`cannot take the lock ${this.lockFile}`);
  }

  /** Its holder's process is gone, or it never got a holder (its writer died between
   *  creating and filling it, which takes microseconds: older than UNFILLED_LOCK_MS). */
  private lockIsStale(): boolean {
    const age = ageMs(this.lockFile);
    if (age === undefined) return true;
    const holder = readHolder(this.lockFile);
    return holder ? !processAlive(holder.pid) : age > UNFILLED_LOCK_MS;
  }
}

const UNFILLED_LOCK_MS = 5_000;

export class StateLockedError extends Error {}
export class StateFileError extends Error {}

/** Opens a file of the state directory without following a link at its name (O_NOFOLLOW:
 *  ELOOP), never a FIFO or device planted there (O_NONBLOCK: opening one does not
 *  wait for a writer), mode 0600 when it is created. */
function openPlainFile(file: string, flags: number): number {
  let fd: number;
  try {
    fd = openSync(file, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") {
      throw new StateFileError(`${file} is a symbolic link; the health state directory holds only its own plain files; remove the link`);
    }
    throw err;
  }
  // A directory there fails on reading with EISDIR, which the command names as such.
  const stat = fstatSync(fd);
  if (!stat.isFile() && !stat.isDirectory()) {
    closeSync(fd);
    throw new StateFileError(`${file} is not a regular file; the health state directory holds only its own plain files; remove it`);
  }
  return fd;
}

function readHolder(file: string): { pid: number; mode: string; since: string } | undefined {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as { pid?: unknown; mode?: unknown; since?: unknown };
    return typeof data.pid === "number" ? { pid: data.pid, mode: String(data.mode), since: String(data.since) } : undefined;
  } catch {
    return undefined;
  }
}

