import { describe, expect, it } from "vitest";
import { backupFreshness, parseBackupStatus, type BackupStatus } from "../../src/backup/status";

const NOW = new Date("2026-12-03T12:00:00Z");
const run = (finishedAt: string, over: Partial<NonNullable<BackupStatus["last"]>> = {}) => ({
  result: "ok" as const, exitCode: 0, stage: "done", message: "uploaded", startedAt: finishedAt, finishedAt, snapshot: "a1b2c3d4", ...over,
});

describe("the age of a node's off-node backup", () => {
  it("is fine while the last success is within the limit", () => {
    const ok = run("2026-12-03T02:00:00Z");
    expect(backupFreshness({ last: ok, lastSuccess: ok }, NOW, 26)).toEqual({
      ok: true, detail: "last off-node backup 10 h ago (snapshot a1b2c3d4)", lastSuccessAt: "2026-12-03T02:00:00Z", ageHours: 10,
    });
  });

  it("is flagged once the last success is older than the limit", () => {
    const old = run("2026-12-02T09:00:00Z");
    expect(backupFreshness({ last: old, lastSuccess: old }, NOW, 26)).toMatchObject({
      ok: false, detail: "last off-node backup 27 h ago (snapshot a1b2c3d4), older than 26 h",
    });
  });

  it("names a failed last run even while the last success is still young enough", () => {
    const failed = run("2026-12-03T02:00:00Z", { result: "failed", exitCode: 20, stage: "upload", message: "object store unreachable or refusing: dial tcp" });
    const verdict = backupFreshness({ last: failed, lastSuccess: run("2026-12-02T22:00:00Z") }, NOW, 26);
    expect(verdict.ok).toBe(true);
    expect(verdict.detail).toBe("last off-node backup 14 h ago (snapshot a1b2c3d4); last run failed at 2026-12-03T02:00:00Z (upload, exit 20): object store unreachable or refusing: dial tcp");
  });

  it("is flagged when no backup ever succeeded", () => {
    expect(backupFreshness({}, NOW, 26)).toEqual({ ok: false, detail: "no successful off-node backup recorded" });
    expect(backupFreshness(undefined, NOW, 26).ok).toBe(false);
  });

  it("is flagged when the last repository check failed, however young the backup", () => {
    const ok = run("2026-12-03T11:00:00Z");
    const check = run("2026-12-03T04:30:00Z", { result: "failed", exitCode: 22, stage: "check", message: "repository damaged: pack 3f… damaged" });
    expect(backupFreshness({ last: ok, lastSuccess: ok, check }, NOW, 26)).toMatchObject({
      ok: false, detail: "last off-node backup 1 h ago (snapshot a1b2c3d4); repository check failed at 2026-12-03T04:30:00Z (exit 22): repository damaged: pack 3f… damaged",
    });
  });
});

describe("reading the status file", () => {
  it("reads an empty file as no runs yet", () => {
    expect(parseBackupStatus("")).toEqual({});
  });

  it("refuses text that is not the status", () => {
    expect(() => parseBackupStatus("{")).toThrow("/var/lib/node-fleet/backup-status.json is not JSON");
    expect(() => parseBackupStatus('{"last": {"result": "maybe"}}')).toThrow(/is not a backup status: last\.result/);
  });
});
