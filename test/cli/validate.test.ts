import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "../helpers";
import { fleet } from "./run";

const ROOT = join(__dirname, "../..");
const fixture = (name: string) => join(FIXTURES, "fleet", name);

describe("fleet validate", () => {
  it("prints a one-line summary and exits 0 on the bundled fleet", async () => {
    const run = await fleet("validate", join(ROOT, "fleet.yaml"));
    expect(run).toEqual({ code: 0, stderr: "", stdout: expect.stringMatching(/fleet\.yaml: 5 nodes valid \(prd 3, stg 1, dev 1\)$/) });
  });

  it("prints FILE:LINE:COL: for every problem on stderr and exits 1", async () => {
    const run = await fleet("validate", fixture("replaces-problems.yaml"));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toEqual([
      expect.stringMatching(/replaces-problems\.yaml:6:15: error: replaces "prd-sha-het-de-fsn1-001" from environment prd/),
      expect.stringMatching(/replaces-problems\.yaml:9:15: error: /),
      expect.stringMatching(/replaces-problems\.yaml:12:15: error: /),
      expect.stringMatching(/replaces-problems\.yaml: invalid \(3 errors\)$/),
    ]);
  });

  it("exits 0 with warnings only, and prints them", async () => {
    const run = await fleet("validate", fixture("size-problems.yaml"));
    expect(run.stderr).toMatch(/size-problems\.yaml:7:11: warning: size "cpx21" is deprecated/);
  });

  it("prints the issues as JSON for tools", async () => {
    const run = await fleet("validate", "--format", "json", fixture("country-mismatch.yaml"));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({
      file: expect.stringMatching(/country-mismatch\.yaml$/), line: 3, col: 15, severity: "error", code: "country-matches-region",
    })]);
  });

  it("exits 2 on an unknown option value", async () => {
    const run = await fleet("validate", "--format", "xml");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'xml' is invalid");
  });

  it("exits 1 when the file does not exist", async () => {
    const run = await fleet("validate", fixture("missing.yaml"));
    expect(run).toEqual(expect.objectContaining({ code: 1, stderr: expect.stringContaining("missing.yaml:1:1: error: cannot read fleet file: no such file") }));
  });
});

describe("bin/fleet", () => {
  it("runs the built CLI as a process with the same exit codes", () => {
    const ok = spawnSync(join(ROOT, "bin/fleet"), ["validate"], { cwd: ROOT, encoding: "utf8" });
    expect([ok.status, ok.stdout.trim()]).toEqual([0, "fleet.yaml: 5 nodes valid (prd 3, stg 1, dev 1)"]);
    const bad = spawnSync(join(ROOT, "bin/fleet"), ["validate", fixture("number-zero.yaml")], { cwd: ROOT, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/number-zero\.yaml:3:23: error: node number "000" is not allowed/);
  });
});
