import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesDigest, playbookFiles } from "../../src/components/playbook-digest";

/** A git checkout holding a playbook, a step script and its own temporary debris. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "digest-"));
  mkdirSync(join(dir, "ansible/bin"), { recursive: true });
  writeFileSync(join(dir, "ansible/site.yml"), "- hosts: all\n");
  writeFileSync(join(dir, "ansible/bin/provision"), "#!/bin/sh\n");
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir });
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "playbook");
  return dir;
}

const digest = (dir: string) => filesDigest(dir, playbookFiles(dir).files);

describe("the playbook digest", () => {
  it("covers the tracked playbook files and not the step scripts", () => {
    expect(playbookFiles(checkout())).toEqual({ files: ["ansible/site.yml"], tracked: true });
  });

  it("is the same whatever untracked files lie around, so two checkouts agree", () => {
    const dir = checkout();
    const before = digest(dir);
    writeFileSync(join(dir, "ansible/site.retry"), "host\n");
    writeFileSync(join(dir, "ansible/local-vars.yml"), "x: 1\n");
    expect(digest(dir)).toBe(before);
  });

  it("changes with a tracked file's content or executable bit", () => {
    const dir = checkout();
    const before = digest(dir);
    chmodSync(join(dir, "ansible/site.yml"), 0o755);
    const executable = digest(dir);
    writeFileSync(join(dir, "ansible/site.yml"), "- hosts: all\n  roles: [common]\n");
    expect(new Set([before, executable, digest(dir)]).size).toBe(3);
  });

  it("counts every file outside a git checkout, and says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "digest-plain-"));
    mkdirSync(join(dir, "ansible"));
    writeFileSync(join(dir, "ansible/site.yml"), "- hosts: all\n");
    expect(playbookFiles(dir)).toEqual({ files: ["ansible/site.yml"], tracked: false });
  });
});
