import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/format";
import { fleet } from "./run";

// A `pulumi` on PATH that only leaves a mark: a command that got as far as the engine
// (`stack init`, `preview`) would run it.
const scratch = mkdtempSync(join(tmpdir(), "fleet-stack-name-"));
const bin = join(scratch, "bin");
const mark = join(scratch, "pulumi-ran");
const stateDir = join(scratch, "state");
const original = { PATH: process.env.PATH, NODE_FLEET_AUDIT_FILE: process.env.NODE_FLEET_AUDIT_FILE };
mkdirSync(bin);
writeFileSync(join(bin, "pulumi"), `#!/bin/sh\ntouch '${mark}'\necho 'v3.248.0'\n`);
chmodSync(join(bin, "pulumi"), 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  process.env.PATH = original.PATH;
  if (original.NODE_FLEET_AUDIT_FILE === undefined) delete process.env.NODE_FLEET_AUDIT_FILE;
  else process.env.NODE_FLEET_AUDIT_FILE = original.NODE_FLEET_AUDIT_FILE;
});

const COMMANDS: readonly (readonly string[])[] = [
  ["plan"], ["health", "--state-dir", stateDir], ["diff", "--base", "HEAD"],
  ["preview"], ["up"], ["refresh"], ["destroy"], ["drift"], ["outputs"], ["history"],
  ["rebuild", "prd-sha-het-de-fsn1-001"], ["reprovision", "prd-sha-het-de-fsn1-001"],
];

describe.each(["../x", "../../etc", "prod", ""])("--stack %j", (stack) => {
  it.each(COMMANDS)("fleet %s is refused as a command-line error (exit 2) before it touches anything", async (...command) => {
    process.env.PATH = `${bin}:${original.PATH}`;
    process.env.NODE_FLEET_AUDIT_FILE = join(scratch, "audit.jsonl");
    const run = await fleet(...command, "--stack", stack);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain(`fleet ${command[0]}: --stack: stack "${stack}" is not one of prd, stg, dev`);
    expect(existsSync(mark)).toBe(false);
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
    expect(existsSync(join(scratch, "audit.jsonl"))).toBe(false);
  });
});
