import { describe, expect, it } from "vitest";
import { detectActor } from "../../src/audit/actor";

const noGit = () => "";
const git = (config: Record<string, string>) => (args: string[]) => config[args[2]!] ?? "";

describe("who acts", () => {
  it("is the CI system's actor in CI", () => {
    expect(detectActor({ GITHUB_ACTIONS: "true", GITHUB_ACTOR: "octocat", USER: "runner" }, ".", git({ "user.email": "bot@x" })))
      .toEqual({ name: "octocat", source: "ci", ci: "github-actions" });
    expect(detectActor({ GITLAB_CI: "true", GITLAB_USER_LOGIN: "ana" }, ".", noGit)).toEqual({ name: "ana", source: "ci", ci: "gitlab-ci" });
  });

  it("is git's configured user outside CI", () => {
    expect(detectActor({ USER: "root" }, ".", git({ "user.name": "Ana Pop", "user.email": "ana@example.com" })))
      .toEqual({ name: "Ana Pop <ana@example.com>", source: "git" });
    expect(detectActor({ USER: "root" }, ".", git({ "user.email": "ana@example.com" }))).toEqual({ name: "ana@example.com", source: "git" });
  });

  it("is $USER when git knows nobody", () => {
    expect(detectActor({ USER: "deploy" }, ".", noGit)).toEqual({ name: "deploy", source: "user" });
  });

  it("ignores a CI actor variable outside that CI", () => {
    expect(detectActor({ GITHUB_ACTOR: "octocat", USER: "deploy" }, ".", noGit)).toEqual({ name: "deploy", source: "user" });
  });
});
