import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/format";
import { baseScenario, ORIGINAL_PATH } from "../automation/harness";
import { recordStack, type StackResource } from "../automation/stand-in/record-urns";
import { createNodeEvents, Events, STAND_IN_BIN, standIn, type Call } from "../automation/stand-in/scenario";
import { fleet } from "../cli/run";

const SHARDS = ["prd-fsn1-a", "prd-hel1-a", "prd-nbg1-a"];
const HOST = "prd-sha-het-de-fsn1-001";
let resources: StackResource[];
const cleanups: (() => void)[] = [];

// Recording runs the whole program under mocks: on a busy machine that takes longer than vitest's default hook time.
beforeAll(async () => {
  resources = await recordStack("prd");
}, 120_000);
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  process.env.PATH = ORIGINAL_PATH;
  for (const name of ["STANDIN_DIR", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "NODE_FLEET_AUDIT_FILE"]) delete process.env[name];
});

/** A project holding three shard stacks of prd, and the stand-in on PATH where the
 *  middle shard's update fails the way the CLI does (its stderr, exit 255). */
function threeShards(): { project: string; calls: () => Call[] } {
  const deployed = createNodeEvents(new Events(), resources, HOST, 1_790_000_000).summary({ create: 12 }, 1_790_000_700).list;
  const s = standIn(baseScenario(resources, {
    stacks: SHARDS,
    operations: { up: { events: deployed }, preview: { events: [] } },
    stackOperations: { "prd-hel1-a": { up: { events: [], exitCode: 255, stderr: "error: hcloud: server limit reached (resource_limit_exceeded)" } } },
  }));
  const project = mkdtempSync(join(tmpdir(), "fleet-shards-"));
  cleanups.push(s.cleanup, () => rmSync(project, { recursive: true, force: true }));
  copyFileSync("Pulumi.yaml", join(project, "Pulumi.yaml"));
  for (const stack of ["prd", ...SHARDS, "stg-a"]) writeFileSync(join(project, `Pulumi.${stack}.yaml`), "config: {}\n");
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  process.env.PULUMI_BACKEND_URL = `file://${s.dir}/state`;
  process.env.PULUMI_CONFIG_PASSPHRASE = "stand-in passphrase";
  process.env.NODE_FLEET_AUDIT_FILE = join(s.dir, "audit.jsonl");
  return { project, calls: s.calls };
}

describe("fleet up --env", () => {
  it("runs every given shard, names the failed one with its exit code, and lets the others finish", async () => {
    const { project } = threeShards();
    const run = await fleet("up", "--env", "prd", "--shards", SHARDS.join(","), "--project", project, "--correlation-id", "shards-1");
    expect(run.code).toBe(EXIT.operationFailed);
    expect(run.stderr).toMatch(/^prd-hel1-a: failed \(exit 3\): .*server limit reached/m);
    expect(run.stderr).toMatch(/^prd-fsn1-a: succeeded in /m);
    expect(run.stderr).toMatch(/^prd-nbg1-a: succeeded in /m);
    expect(run.stdout.split("\n").at(-1)).toBe("up of prd: 2 of 3 stacks succeeded; failed: prd-hel1-a (exit 3) (correlation shards-1)");
  });

  it("gives every shard's update the one correlation id, each in a workspace of its own stack", async () => {
    const { project, calls } = threeShards();
    await fleet("up", "--env", "prd", "--shards", SHARDS.join(","), "--project", project, "--correlation-id", "shards-2");
    const ups = calls().filter((c) => c.args[0] === "up");
    expect(ups.map((c) => c.args[c.args.indexOf("--stack") + 1]).sort()).toEqual(SHARDS);
    expect(new Set(ups.map((c) => c.env.NODE_CORRELATION_ID))).toEqual(new Set(["shards-2"]));
    expect(ups.every((c) => c.cwd === project)).toBe(true);
  });

  it("prints a result per shard and an overall exit code as JSON for CI", async () => {
    const { project } = threeShards();
    const run = await fleet("up", "--env", "prd", "--shards", SHARDS.join(","), "--project", project, "--json", "--correlation-id", "shards-3");
    const result = JSON.parse(run.stdout.split("\n").at(-1)!) as { exitCode: number; correlationId: string; stacks: { stack: string; ok: boolean; exitCode: number }[] };
    expect(result.exitCode).toBe(EXIT.operationFailed);
    expect(result.correlationId).toBe("shards-3");
    expect(result.stacks.map((s) => [s.stack, s.ok, s.exitCode])).toEqual([
      ["prd-fsn1-a", true, 0], ["prd-hel1-a", false, EXIT.operationFailed], ["prd-nbg1-a", true, 0]]);
  });

  it("takes every stack of the environment when no shards are given, and no other environment's", async () => {
    const { project, calls } = threeShards();
    await fleet("preview", "--env", "prd", "--project", project, "--correlation-id", "shards-4");
    const previewed = calls().filter((c) => c.args[0] === "preview").map((c) => c.args[c.args.indexOf("--stack") + 1]).sort();
    expect(previewed).toEqual(["prd", ...SHARDS]);
  });

  it("refuses a shard that is not a stack of the environment before running any", async () => {
    const { project, calls } = threeShards();
    const run = await fleet("up", "--env", "prd", "--shards", "prd-fsn1-a,prd-sin1-a", "--project", project);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain("not a stack of prd");
    expect(run.stderr).toContain("prd-sin1-a");
    expect(calls().filter((c) => c.args[0] === "up")).toEqual([]);
  });

  it("refuses --stack together with --env", async () => {
    const run = await fleet("up", "--env", "prd", "--stack", "prd");
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toBe("fleet: give one of --stack <stack> and --env <env>");
  });
});
