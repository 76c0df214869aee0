import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The parts of a GitHub workflow that decide who can read which credential. */
export interface Workflow {
  file: string;
  on: unknown;
  jobs: Record<string, WorkflowJob>;
}
export interface WorkflowJob {
  environment?: string | { name: string };
  "runs-on"?: string | string[];
  steps?: { uses?: string; with?: Record<string, unknown> }[];
}

export function loadWorkflows(dir: string): Workflow[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((file) => ({ file, ...(parse(readFileSync(join(dir, file), "utf8")) as Omit<Workflow, "file">) }));
}

/** The events a workflow runs on, whichever of the three forms `on:` takes. */
export function triggers(workflow: Workflow): string[] {
  const on = workflow.on;
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on as string[];
  return Object.keys(on as object);
}

/** Events whose runs carry code or text from someone who cannot merge. `pull_request_target`,
 *  `workflow_run` and `issue_comment` run with the base repository's secrets on that input. */
export const UNREVIEWED_EVENTS = ["pull_request", "pull_request_target", "workflow_run", "issue_comment"] as const;

const EXPRESSION = /\$\{\{(.*?)\}\}/g;
const SECRET = /\bsecrets\b(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g;

/** The secrets a job's expressions read; "*" for the whole context (`toJSON(secrets)`,
 *  `secrets[...]`, or `secrets: inherit` into a reusable workflow). */
function secretsRead(job: WorkflowJob & { secrets?: unknown }): string[] {
  const names = [...JSON.stringify(job).matchAll(EXPRESSION)].flatMap((e) => [...e[1]!.matchAll(SECRET)].map((m) => m[1] ?? "*"));
  return job.secrets === "inherit" ? [...names, "*"] : names;
}

/** Where each secret a job reads comes from. GitHub (docs "Using secrets in GitHub
 *  Actions"): an environment's secrets reach only jobs that name the environment; a
 *  repository secret reaches every job of every workflow on every branch. So a secret read
 *  outside an environment is a repository secret, and an environment given by an
 *  expression can be any environment. GITHUB_TOKEN is the job's own token, not a secret
 *  anyone stores. */
export function credentialScopes(job: WorkflowJob): Set<string> {
  const env = typeof job.environment === "object" ? job.environment.name : job.environment;
  const names = secretsRead(job).filter((n) => n !== "GITHUB_TOKEN");
  if (names.length === 0) return new Set();
  if (env === undefined) return new Set(["repository"]);
  return new Set([env.includes("${{") ? "any environment" : env]);
}

/** The environments a pull request's code may read credentials from: `dev-preview` holds
 *  dev-only, read-only credentials (docs/repository-settings.md). */
export const PULL_REQUEST_CREDENTIALS = new Set(["dev-preview"]);

/** One line per job that runs unreviewed input and can read a credential that is not a
 *  dev-preview one (a stg or prd secret, or a repository secret, which holds whatever an
 *  admin put there). */
export function pullRequestCredentialLeaks(workflows: Workflow[]): string[] {
  const leaks: string[] = [];
  for (const wf of workflows) {
    if (!triggers(wf).some((t) => (UNREVIEWED_EVENTS as readonly string[]).includes(t))) continue;
    for (const [id, job] of Object.entries(wf.jobs)) {
      for (const scope of credentialScopes(job)) {
        if (!PULL_REQUEST_CREDENTIALS.has(scope)) leaks.push(`${wf.file}: job ${id} reads ${scope} secrets`);
      }
    }
  }
  return leaks;
}
