import { randomBytes } from "node:crypto";
import {
  accessSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, openSync, readdirSync, realpathSync, renameSync,
  statSync, writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { processAlive, unlinkQuietly } from "./fs-helpers";

/** Why a file was left as it was. */
export class FileWriteError extends Error {}

/** Replaces the content of an existing file so that readers see the old file or the new
 *  one, never a mix, and the file stays the same file to its users: a symlink is
 *  written through (the link stays, its target changes), mode and owner are kept, a
 *  read-only file is refused. The new content goes to a temporary file next to the
 *  target, is fsynced, then renamed over it, and the directory is fsynced so the
 *  rename survives a crash. The temporary file never outlives a failure. */
export function replaceFileContent(path: string, content: string): void {
  const target = realpathSync(path);
  const stat = statSync(target);
  const mode = stat.mode & 0o7777;
  if ((mode & 0o222) === 0) {
    throw new FileWriteError(`${path} is read-only (mode ${mode.toString(8).padStart(4, "0")}); make it writable first`);
  }
  try {
    accessSync(target, constants.W_OK);
  } catch {
    throw new FileWriteError(`${path} is not writable by this user`);
  }
  removeAbandonedTemporaries(target);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx", 0o600);
  let renamed = false;
  try {
    try {
      keepOwner(fd, stat.uid, stat.gid);
      fchmodSync(fd, mode);
      const bytes = Buffer.from(content, "utf8");
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    renamed = true;
  } finally {
    if (!renamed) unlinkQuietly(temporary);
  }
  syncDirectory(dirname(target));
}

/** A writer killed outright (SIGKILL, power loss) cannot clean up; the next write removes
 *  the temporary files of processes that are gone. */
function removeAbandonedTemporaries(target: string): void {
  const name = basename(target).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^\\.${name}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  for (const entry of readdirSync(dirname(target))) {
    const pid = pattern.exec(entry)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) unlinkQuietly(join(dirname(target), entry));
  }
}

function keepOwner(fd: number, uid: number, gid: number): void {
  if (uid === process.getuid?.() && gid === process.getgid?.()) return;
  try {
    fchownSync(fd, uid, gid);
  } catch {
    throw new FileWriteError(`cannot keep the file's owner (uid ${uid}, gid ${gid}) when replacing it; run as that user or as root`);
  }
}

/** Some file systems cannot fsync a directory; the rename itself has happened then. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    return;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
