import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");

/** Runs the built CLI with its stdout and stderr on a pseudo-terminal (util-linux
 *  `script`), as in an operator's shell; returns what the terminal showed. */
function onTerminal(args: string[]): string {
  const command = [join(ROOT, "bin/fleet"), ...args].map((a) => `'${a}'`).join(" ");
  return spawnSync("script", ["-qec", command, "/dev/null"], { cwd: ROOT, encoding: "utf8" }).stdout;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "progress-"));
  cpSync(join(ROOT, "Pulumi.stg.yaml"), join(dir, "Pulumi.stg.yaml"));
  writeFileSync(join(dir, "fleet.yaml"), "nodes:\n  stg-sha-het-de-nbg1-001: { size: cx33, image: debian-12 }\n");
  return dir;
}

describe("progress on stderr", () => {
  it("shows plan progress and a closing line on a terminal", () => {
    const screen = onTerminal(["plan", "--stack", "stg", "--project", project()]);
    expect(screen).toContain("planning stack stg: 0/1 nodes");
    expect(screen).toMatch(/planned 1 node in \d+\.\ds/);
  });

  it("clears the progress line before results are printed, so they never run into it", () => {
    const screen = onTerminal(["plan", "--stack", "stg", "--project", project()]);
    expect(screen).toMatch(/nothing is contacted\)\r\x1b\[K/);
    expect(screen).not.toMatch(/nothing is contacted\)[^\r]/);
  });

  it("stays quiet with --json, even on a terminal", () => {
    const screen = onTerminal(["plan", "--stack", "stg", "--project", project(), "--json"]);
    expect(screen).not.toContain("planning stack");
    expect(screen).not.toContain("planned 1 node");
  });

  it("shows validate progress on a terminal and clears it", () => {
    expect(onTerminal(["validate"])).toMatch(/validating fleet\.yaml…\r\x1b\[K/);
  });

  it("stays quiet when stderr is not a terminal", () => {
    const run = spawnSync(join(ROOT, "bin/fleet"), ["validate"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
  });
});
