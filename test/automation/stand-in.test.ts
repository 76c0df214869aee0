import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STAND_IN_BIN, standIn, type Scenario } from "./stand-in/scenario";

const SCENARIO: Scenario = {
  version: "3.208.0", stacks: ["prd"], operations: {}, outputs: {}, history: [], deployment: { version: 3, deployment: {} },
};
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function pulumi(...args: string[]) {
  const s = standIn(SCENARIO);
  cleanup = s.cleanup;
  const run = spawnSync(join(STAND_IN_BIN, "pulumi"), args, { env: { ...process.env, STANDIN_DIR: s.dir }, encoding: "utf8" });
  return { code: run.status, stderr: run.stderr, stdout: run.stdout, calls: s.calls() };
}

/** The stand-in is only worth its assertions if it refuses what the real CLI refuses. */
describe("the stand-in pulumi", () => {
  it("rejects a flag the real command does not take, and records the call", () => {
    const run = pulumi("up", "--yes", "--skip-preview", "--replace-all", "--stack", "prd");
    expect(run.code).toBe(255);
    expect(run.stderr).toBe('error: unknown flag: --replace-all (for "pulumi up")\n');
    expect(run.calls.map((c) => c.args)).toEqual([["up", "--yes", "--skip-preview", "--replace-all", "--stack", "prd"]]);
  });

  it("refuses an update without --yes --skip-preview, as the non-interactive CLI does", () => {
    expect(pulumi("up", "--stack", "prd").code).toBe(255);
  });

  it("answers a stack it does not hold with the CLI's not-found text, which the Automation API recognises", () => {
    const run = pulumi("stack", "select", "--stack", "dev");
    expect(run.code).toBe(255);
    expect(run.stderr).toMatch(/no stack named 'dev' found/);
  });

  it("fails loudly on a command it does not speak, so a test cannot pass by accident", () => {
    expect(pulumi("import", "--stack", "prd").code).toBe(255);
  });
});
