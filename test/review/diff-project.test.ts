import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GitProject } from "./git-project";

const FLEET = `nodes:
  prd-sha-het-de-fsn1-001: { size: cpx22, image: ubuntu-24.04 }
  prd-sha-het-de-fsn1-002: { size: cpx22, image: ubuntu-24.04 }
`;
const BIN = join(__dirname, "../../bin/fleet");

describe("fleet diff --project DIR for a project in a subdirectory of the repository", () => {
  const project = new GitProject(FLEET, "infra/fleet");
  afterAll(() => project.cleanup());
  project.edit("fleet.yaml", (t) => t.replace("  prd-sha-het-de-fsn1-002: { size: cpx22, image: ubuntu-24.04 }\n", ""));
  project.commit("remove prd 002");
  const run = project.diff("--project", "infra/fleet", "--base", "HEAD~1", "--json");
  const doc = JSON.parse(run.stdout) as { nodes: { hostname: string; change: string }[] };

  it("reads the base revision's fleet from the subdirectory: the removal of a protected node is blocked, exit 10", () => {
    expect(doc.nodes.map((n) => [n.hostname, n.change])).toEqual([["prd-sha-het-de-fsn1-001", "unchanged"], ["prd-sha-het-de-fsn1-002", "blocked"]]);
    expect(run.code).toBe(10);
  });

  it("gives the same answer when run from inside the project directory", () => {
    const inside = spawnSync(BIN, ["diff", "--base", "HEAD~1", "--json"], { cwd: project.project, encoding: "utf8" });
    expect(inside.status).toBe(10);
    expect(JSON.parse(inside.stdout)).toEqual(doc);
  });
});

describe("fleet diff in a shallow clone whose history does not reach the base", () => {
  const origin = new GitProject(FLEET);
  origin.edit("fleet.yaml", (t) => t.replace("cpx22, image: ubuntu-24.04 }\n", "cpx32, image: ubuntu-24.04 }\n"));
  origin.commit("resize");
  const clone = mkdtempSync(join(tmpdir(), "fleet-diff-shallow-"));
  afterAll(() => { origin.cleanup(); rmSync(clone, { recursive: true, force: true }); });
  spawnSync("git", ["clone", "-q", "--depth", "1", `file://${origin.dir}`, clone]);
  const run = spawnSync(BIN, ["diff", "--base", "HEAD~1"], { cwd: clone, encoding: "utf8" });

  it("exits 1 naming the ref and saying the history is shallow, with how to fetch more", () => {
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('--base:1:1: error: git has no commit "HEAD~1": the clone is shallow, so its history may not reach it: ' +
      "fetch more history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)");
  });
});

describe("an interrupted fleet diff", () => {
  const project = new GitProject(FLEET);
  const scratch = mkdtempSync(join(tmpdir(), "fleet-diff-tmp-"));
  afterAll(() => { project.cleanup(); rmSync(scratch, { recursive: true, force: true }); });
  project.edit("fleet.yaml", (t) => t.replace("cpx22, image: ubuntu-24.04 }\n", "cpx32, image: ubuntu-24.04 }\n"));

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`leaves no scratch tree in TMPDIR when it gets ${signal} while planning`, async () => {
      const child = spawn(BIN, ["diff", "--base", "HEAD"], { cwd: project.dir, env: { ...process.env, TMPDIR: scratch } });
      let stderr = "";
      await new Promise<void>((planning) => child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("planning them")) planning();
      }));
      expect(readdirSync(scratch).filter((f) => f.startsWith("fleet-diff-"))).toHaveLength(2);
      child.kill(signal);
      const exit = await new Promise<NodeJS.Signals | null>((done) => child.on("close", (_code, sig) => done(sig)));
      expect(exit).toBe(signal);
      expect(readdirSync(scratch)).toEqual([]);
    });
  }
});
