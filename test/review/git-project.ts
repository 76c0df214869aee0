import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");

/** A small git repository holding a node-fleet project (the bundled catalog, playbooks
 *  and stack files, and a fleet file of the test's own), with real commits. */
export class GitProject {
  readonly dir = mkdtempSync(join(tmpdir(), "fleet-diff-repo-"));
  /** The project's directory: the repository's top, or `subdir` of it. */
  readonly project: string;

  constructor(fleet: string, subdir = "") {
    this.project = join(this.dir, subdir);
    mkdirSync(this.project, { recursive: true });
    for (const name of ["catalog", "ansible", "Pulumi.prd.yaml", "Pulumi.stg.yaml"]) cpSync(join(ROOT, name), join(this.project, name), { recursive: true });
    writeFileSync(join(this.project, "fleet.yaml"), fleet);
    this.git("init", "-q", "-b", "main");
    this.commit("base fleet");
  }

  git(...args: string[]): string {
    return execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd: this.dir, encoding: "utf8" });
  }

  /** Rewrites a file of the working tree with `edit`. */
  edit(file: string, edit: (text: string) => string): void {
    const path = join(this.project, file);
    const before = readFileSync(path, "utf8");
    const after = edit(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    writeFileSync(path, after);
  }

  commit(message: string): void {
    this.git("add", "-A");
    this.git("commit", "-q", "-m", message);
  }

  /** `fleet diff` as a user runs it: the built CLI in its own process. */
  diff(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const run = spawnSync(join(ROOT, "bin/fleet"), ["diff", ...args], { cwd: this.dir, encoding: "utf8" });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
