import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import type { Actor } from "./event";

/** CI systems and the variable naming who started the run. */
const CI_ACTORS: readonly { ci: string; when: string; actor: string }[] = [
  { ci: "github-actions", when: "GITHUB_ACTIONS", actor: "GITHUB_ACTOR" },
  { ci: "gitlab-ci", when: "GITLAB_CI", actor: "GITLAB_USER_LOGIN" },
  { ci: "buildkite", when: "BUILDKITE", actor: "BUILDKITE_BUILD_CREATOR_EMAIL" },
  { ci: "circleci", when: "CIRCLECI", actor: "CIRCLE_USERNAME" },
];

/** Who is running this: the CI actor in CI, else git's configured user, else the login
 *  name. `git` is asked in `dir` (a repository may set its own user). */
export function detectActor(env: NodeJS.ProcessEnv, dir: string, git: (args: string[]) => string = gitConfig(dir)): Actor {
  for (const c of CI_ACTORS) {
    const name = env[c.when] ? env[c.actor] : undefined;
    if (name) return { name, source: "ci", ci: c.ci };
  }
  const email = git(["config", "--get", "user.email"]);
  const gitName = git(["config", "--get", "user.name"]);
  if (email || gitName) return { name: gitName && email ? `${gitName} <${email}>` : email || gitName, source: "git" };
  return { name: env.USER || env.LOGNAME || safeUserName(), source: "user" };
}

function gitConfig(dir: string): (args: string[]) => string {
  return (args) => {
    try {
      return execFileSync("git", args, { cwd: dir, encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
