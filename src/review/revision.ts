import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { issueAt, InvalidInputError } from "../source/issues";

/** The compiled program (dist/) and its node_modules: each revision is planned by the
 *  same code, with that revision's fleet, catalog, stack files and playbooks. */
const PACKAGE_ROOT = resolve(__dirname, "../..");

/** A revision laid out as a project directory the stack program can run in: the
 *  program finds catalog/ and ansible/ next to its own dist/, so each revision gets a
 *  copy of dist/ and a link to node_modules. */
export interface RevisionRoot {
  readonly dir: string;
  /** What it is: "working tree" or "REF (abc1234)". */
  readonly label: string;
  readonly cleanup: () => void;
}

/** The files of a project that decide what is deployed. */
function isProjectInput(name: string): boolean {
  return name === "catalog" || name === "ansible" || /^Pulumi\.[^.]+\.yaml$/.test(name) || /\.ya?ml$/.test(name);
}

function git(cwd: string, args: readonly string[]): Buffer {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? "").trim();
    throw new InvalidInputError([issueAt({ file: cwd, line: 1, col: 1 }, "git",
      `git ${args.join(" ")} failed: ${stderr || (err as Error).message}`)]);
  }
}

function prepare(dir: string): void {
  // A project without its own catalog or playbooks uses the ones node-fleet ships.
  for (const shared of ["catalog", "ansible"]) {
    if (!existsSync(join(dir, shared))) cpSync(join(PACKAGE_ROOT, shared), join(dir, shared), { recursive: true });
  }
  // Source maps are half of dist/'s files and no plan reads them.
  cpSync(join(PACKAGE_ROOT, "dist"), join(dir, "dist"), { recursive: true, filter: (path) => !path.endsWith(".js.map") });
  symlinkSync(join(PACKAGE_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), "{}\n");
}

/** The commit `ref` names. A ref git cannot resolve in a shallow clone is most likely
 *  cut off by the shallow history (CI's default checkout), so the message says how to
 *  fetch it instead of quoting git. */
function resolveCommit(projectDir: string, ref: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  } catch {
    const shallow = git(projectDir, ["rev-parse", "--is-shallow-repository"]).toString().trim() === "true";
    const hint = shallow
      ? "the clone is shallow, so its history may not reach it: fetch more history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
      : "name a branch, tag or commit of this repository (git fetch it first if it is remote)";
    throw new InvalidInputError([issueAt({ file: "--base", line: 1, col: 1 }, "git-ref", `git has no commit "${ref}": ${hint}`)]);
  }
}

/** The project at a git revision, read from git (`git archive`) without touching the
 *  working tree or the index. git runs from the repository's top: `ls-tree` and
 *  `archive` run in a subdirectory would limit the listing of the revision's tree to
 *  paths under that subdirectory *within* the tree, and see nothing. */
export function revisionAt(projectDir: string, ref: string): RevisionRoot {
  const commit = resolveCommit(projectDir, ref);
  const prefix = git(projectDir, ["rev-parse", "--show-prefix"]).toString().trim();
  const top = git(projectDir, ["rev-parse", "--show-toplevel"]).toString().trim();
  const dir = mkdtempSync(join(tmpdir(), "fleet-diff-base-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const tree = `${commit}:${prefix}`;
    const names = git(top, ["ls-tree", "--name-only", tree]).toString().split("\n").filter(isProjectInput);
    if (names.length > 0) {
      const tar = git(top, ["archive", "--format=tar", tree, ...names]);
      execFileSync("tar", ["-x", "-C", dir], { input: tar });
    }
    prepare(dir);
  } catch (err) {
    cleanup();
    throw err;
  }
  return { dir, label: `${ref} (${commit.slice(0, 12)})`, cleanup };
}

/** The project as it is in the working tree (uncommitted edits and new files included),
 *  without what git ignores (__pycache__, retry files): the program digests the
 *  playbooks of a git checkout from what git sees, and so must the copy. */
export function workingTree(projectDir: string): RevisionRoot {
  const dir = mkdtempSync(join(tmpdir(), "fleet-diff-head-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const names = readdirSync(projectDir).filter(isProjectInput);
    const files = names.length === 0 ? [] : git(projectDir, ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ...names])
      .toString().split("\0").filter((file) => file !== "" && existsSync(join(projectDir, file)));
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(projectDir, file), join(dir, file));
    }
    prepare(dir);
  } catch (err) {
    cleanup();
    throw err;
  }
  return { dir, label: "working tree", cleanup };
}
