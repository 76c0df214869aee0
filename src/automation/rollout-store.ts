import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { RolloutRecordSchema, type RolloutRecord } from "../rollout/progress";
import { processAlive, unlinkQuietly } from "../source/fs-helpers";

/** Another rollout of the stack runs (its process holds `rollout.lock`); nothing was done. */
export class RolloutLockedError extends Error {
  override readonly name = "RolloutLockedError";
}

/** Where a stack's rollout keeps its progress (`rollout.json`) and who runs it
 *  (`rollout.lock`): the stack's state directory, beside the health checker's state. */
export class RolloutStore {
  constructor(readonly dir: string, readonly stack: string) {}

  get recordFile(): string { return join(this.dir, "rollout.json"); }
  get lockFile(): string { return join(this.dir, "rollout.lock"); }

  /** Takes the stack's rollout for this process, created exclusively (O_EXCL) with pid
   *  and host, as the health store's lock is. A lock whose process is gone (a killed
   *  rollout) is taken over: its record says where to resume. */
  lock(): () => void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lockFile, "wx", 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
        closeSync(fd);
        return () => unlinkQuietly(this.lockFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const holder = this.holder();
        if (holder && (holder.host !== hostname() || processAlive(holder.pid))) {
          throw new RolloutLockedError(`a rollout of stack ${this.stack} runs already (pid ${holder.pid} on ${holder.host} since ${holder.since}); ` +
            `wait for it, or delete ${this.lockFile} if that process is gone`);
        }
        unlinkQuietly(this.lockFile);
      }
    }
    throw new RolloutLockedError(`another rollout of stack ${this.stack} took ${this.lockFile} at the same moment; try again`);
  }

  /** The recorded rollout, or undefined before the first one. A damaged record stops the
   *  run rather than forgetting where a halted rollout stands. */
  load(): RolloutRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.recordFile, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const parsed = RolloutRecordSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new Error(`${this.recordFile} is not a rollout record (${parsed.error.issues[0]?.message}); move it aside to start afresh`);
    return parsed.data;
  }

  /** Written to a temporary file, flushed and renamed: a crash leaves the old or the new record. */
  save(record: RolloutRecord): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.recordFile}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(record, null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.recordFile);
  }

  private holder(): { pid: number; host: string; since: string } | undefined {
    try {
      const data = JSON.parse(readFileSync(this.lockFile, "utf8")) as { pid?: unknown; host?: unknown; since?: unknown };
      return typeof data.pid === "number" && typeof data.host === "string" ? { pid: data.pid, host: data.host, since: String(data.since) } : undefined;
    } catch {
      // Being written this instant, or garbage: treated as held so two runs never both start.
      return { pid: process.pid, host: hostname(), since: "just now" };
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
