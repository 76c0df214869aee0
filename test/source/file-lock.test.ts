import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LockBusyError, withFileLock } from "../../src/source/file-lock";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));
function fleetFile(): string {
  dir = mkdtempSync(join(tmpdir(), "lock-"));
  return join(dir, "fleet.yaml");
}

/** A pid that belonged to a process on this host that has exited. */
function deadPid(): number {
  return Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
}

/** A lock this live process took (after it started: an older lock would not be its own). */
const HELD_SINCE = new Date().toISOString();

function holder(pid: number, host = hostname(), since = new Date().toISOString()): string {
  return `${JSON.stringify({ pid, host, since })}\n`;
}

describe("withFileLock", () => {
  it("holds <file>.lock naming pid, host and time while the work runs, and removes it after", () => {
    const file = fleetFile();
    const seen = withFileLock(file, () => JSON.parse(readFileSync(`${file}.lock`, "utf8")) as unknown);
    expect(seen).toEqual({ pid: process.pid, host: hostname(), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("removes the lock when the work throws", () => {
    const file = fleetFile();
    expect(() => withFileLock(file, () => { throw new Error("boom"); })).toThrow("boom");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("breaks the lock of a process on this host that is gone", () => {
    const file = fleetFile();
    writeFileSync(`${file}.lock`, holder(deadPid()));
    expect(withFileLock(file, () => "ran", { waitMs: 0 })).toBe("ran");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("waits for a live holder, then gives up naming it", () => {
    const file = fleetFile();
    writeFileSync(`${file}.lock`, holder(process.pid, hostname(), HELD_SINCE));
    const started = Date.now();
    expect(() => withFileLock(file, () => "ran", { waitMs: 300 })).toThrow(new LockBusyError(
      `${file} is locked by process ${process.pid} on ${hostname()} since ${HELD_SINCE}; try again, or delete ${file}.lock if that process is gone`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it("says once who it is waiting for when the wait passes a second", () => {
    const file = fleetFile();
    writeFileSync(`${file}.lock`, holder(process.pid, hostname(), HELD_SINCE));
    const waits: string[] = [];
    expect(() => withFileLock(file, () => "ran", { waitMs: 1_500, onWait: (h) => waits.push(h) })).toThrow(LockBusyError);
    expect(waits).toEqual([`process ${process.pid} on ${hostname()} since ${HELD_SINCE}`]);
  });

  it("breaks a lock from another host only once it is older than the foreign limit", () => {
    const file = fleetFile();
    writeFileSync(`${file}.lock`, holder(1, "elsewhere.example"));
    expect(() => withFileLock(file, () => "ran", { waitMs: 50, foreignStaleMs: 60_000 })).toThrow(LockBusyError);
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${file}.lock`, old, old);
    expect(withFileLock(file, () => "ran", { waitMs: 50, foreignStaleMs: 60_000 })).toBe("ran");
  });

  it("breaks an empty lock left by a writer that died before filling it, once it is a few seconds old", () => {
    const file = fleetFile();
    writeFileSync(`${file}.lock`, "");
    expect(() => withFileLock(file, () => "ran", { waitMs: 50 })).toThrow("locked by another writer");
    const old = new Date(Date.now() - 10_000);
    utimesSync(`${file}.lock`, old, old);
    expect(withFileLock(file, () => "ran", { waitMs: 50 })).toBe("ran");
  });
});
