import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const ABSENT = "node-fleet-test-absent-package";

/** .ci/ensure-packages with its real list plus a package that is not installed, and an
 *  apt-get that only records how it was called. */
function ensure(asUser?: number) {
  const dir = mkdtempSync(join(tmpdir(), "ensure-"));
  copyFileSync(join(ROOT, ".ci/ensure-packages"), join(dir, "ensure-packages"));
  writeFileSync(join(dir, "system-packages"), `${readFileSync(join(ROOT, ".ci/system-packages"), "utf8")}${ABSENT}\n`);
  writeFileSync(join(dir, "apt-get"), `#!/bin/sh\necho "apt-get $*" >> ${dir}/calls\n`);
  chmodSync(join(dir, "apt-get"), 0o755);
  chmodSync(dir, 0o755);
  const command = asUser === undefined ? ["bash", join(dir, "ensure-packages")]
    : ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", "bash", join(dir, "ensure-packages")];
  const run = spawnSync(command[0]!, command.slice(1), { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  let calls = "";
  try {
    calls = readFileSync(join(dir, "calls"), "utf8");
  } catch { /* apt-get was not called */ }
  return { code: run.status, stderr: run.stderr, calls };
}

describe(".ci/ensure-packages (the first step of npm test)", () => {
  it("installs what is missing when it runs as root", () => {
    const run = ensure();
    expect(run.code).toBe(0);
    expect(run.calls).toBe(`apt-get update -q\napt-get install -y -q --no-install-recommends ${ABSENT}\n`);
  });

  it("stops at once as another user, naming the one command that installs them", () => {
    const run = ensure(65534);
    expect(run).toEqual({ code: 1, calls: "", stderr:
      `npm test needs Debian packages that are not installed: ${ABSENT}\n` +
      `install them with:  sudo apt-get update && sudo apt-get install -y -q --no-install-recommends ${ABSENT}\n` });
  });

  it("finds every package of the list installed on this machine", () => {
    expect(spawnSync("bash", [join(ROOT, ".ci/ensure-packages")], { encoding: "utf8" })).toEqual(expect.objectContaining({ status: 0, stderr: "" }));
  });
});
