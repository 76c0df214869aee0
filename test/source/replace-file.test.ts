import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FileWriteError, replaceFileContent } from "../../src/source/replace-file";

const fault = vi.hoisted(() => ({ writeFails: false }));
// A full disk cannot be arranged here; node:fs writeSync throws ENOSPC exactly like this when it is.
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    writeSync: (...args: Parameters<typeof fs.writeSync>) => {
      if (fault.writeFails) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      return fs.writeSync(...args);
    },
  };
});

let dir = "";
afterEach(() => {
  fault.writeFails = false;
  rmSync(dir, { recursive: true, force: true });
});
function file(mode: number, content = "old\n"): string {
  dir = mkdtempSync(join(tmpdir(), "replace-"));
  const path = join(dir, "fleet.yaml");
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe("replaceFileContent", () => {
  it.each([0o600, 0o640, 0o664])("keeps mode %o", (mode) => {
    const path = file(mode);
    replaceFileContent(path, "new\n");
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(statSync(path).mode & 0o7777).toBe(mode);
  });

  it("keeps the owner and group", () => {
    const path = file(0o640);
    chownSync(path, 4321, 4322);
    replaceFileContent(path, "new\n");
    expect(statSync(path)).toEqual(expect.objectContaining({ uid: 4321, gid: 4322 }));
  });

  it("writes through a symlink: the link stays, its target gets the content", () => {
    const target = file(0o600);
    const link = join(dir, "link.yaml");
    symlinkSync("fleet.yaml", link);
    replaceFileContent(link, "new\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("new\n");
    expect(statSync(target).mode & 0o7777).toBe(0o600);
  });

  it("refuses a read-only file and leaves it as it was", () => {
    const path = file(0o444);
    expect(() => replaceFileContent(path, "new\n")).toThrow(new FileWriteError(`${path} is read-only (mode 0444); make it writable first`));
    expect(readFileSync(path, "utf8")).toBe("old\n");
  });

  it("removes temporary files left by writers that were killed, and keeps those of running ones", () => {
    const path = file(0o644);
    const gone = Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
    writeFileSync(join(dir, `.fleet.yaml.${gone}.0badf00d.tmp`), "half");
    writeFileSync(join(dir, `.fleet.yaml.${process.pid}.0badf00d.tmp`), "in progress");
    replaceFileContent(path, "new\n");
    expect(readdirSync(dir).sort()).toEqual([`.fleet.yaml.${process.pid}.0badf00d.tmp`, "fleet.yaml"]);
  });

  it("leaves the old file and no temporary file when the disk is full", () => {
    const path = file(0o644);
    fault.writeFails = true;
    expect(() => replaceFileContent(path, "new\n")).toThrow("ENOSPC");
    expect(readFileSync(path, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["fleet.yaml"]);
  });
});
