import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ANSIBLE = join(__dirname, "../../ansible");

describe("the Ansible code", () => {
  it("passes ansible-lint with the production profile", () => {
    const run = spawnSync("ansible-lint", ["--offline", "--profile", "production", "--nocolor"], { cwd: ANSIBLE, encoding: "utf8" });
    expect(run.stdout + run.stderr).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
    expect(run.status).toBe(0);
  }, 180_000);

  it("passes ansible-playbook --syntax-check", () => {
    const run = spawnSync("ansible-playbook", ["--syntax-check", "-i", "localhost,", "site.yml"], { cwd: ANSIBLE, encoding: "utf8" });
    expect([run.status, run.stdout.trim()]).toEqual([0, "playbook: site.yml"]);
  }, 60_000);
});
