import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StateDir, StateLockedError } from "../../src/health/store";

// The moment between "the lock's holder is gone" and "remove the lock": another run takes
// the stale lock over exactly then. processAlive is where that moment is, so the other
// run's takeover happens inside its first answer.
const race = vi.hoisted(() => ({ onFirstCheck: undefined as (() => void) | undefined }));
vi.mock("../../src/source/fs-helpers", async (actual) => {
  const real = await actual<typeof import("../../src/source/fs-helpers")>();
  return {
    ...real,
    processAlive: (pid: number) => {
      const alive = real.processAlive(pid);
      const takeover = race.onFirstCheck;
      race.onFirstCheck = undefined;
      takeover?.();
      return alive;
    },
  };
});

const GONE = 2 ** 22 + 17; // above pid_max's default on 64-bit Linux, so no process has it
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "fleet-health-race-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("two runs taking over the same stale health lock", () => {
  it("leaves the lock to the run that took it over first; the second is refused, so recovery runs once", () => {
    const lock = join(dir, "lock");
    writeFileSync(lock, JSON.stringify({ pid: GONE, mode: "watch", since: "2026-11-22T05:00:00Z" }));
    const first = { pid: process.ppid, mode: "watch", since: "2026-11-22T06:00:00Z" };
    race.onFirstCheck = () => writeFileSync(lock, JSON.stringify(first));
    expect(() => new StateDir(dir, "prd").lock("once")).toThrow(StateLockedError);
    expect(JSON.parse(readFileSync(lock, "utf8"))).toEqual(first);
  });

  it("refuses a lock created a moment ago whose holder is not written yet", () => {
    writeFileSync(join(dir, "lock"), "");
    expect(() => new StateDir(dir, "prd").lock("once")).toThrow("another `fleet health` that is starting is checking stack prd");
  });

  it("takes over a lock that never got a holder once it is older than a few seconds", () => {
    const lock = join(dir, "lock");
    writeFileSync(lock, "");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      vi.setSystemTime(Date.now() + 6_000);
      const release = new StateDir(dir, "prd").lock("once");
      expect(JSON.parse(readFileSync(lock, "utf8"))).toMatchObject({ pid: process.pid, mode: "once" });
      release();
    } finally {
      vi.useRealTimers();
    }
  });
});
