import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The files that make up a directory of the project, as git tracks them: two checkouts
 *  of one commit then agree, whatever else lies around (retry files, caches, editor
 *  backups, an untracked vars file). Outside a git checkout every file counts, and
 *  `tracked` says so. Paths are relative to the project and sorted. */
export function projectFiles(projectDir: string, dir: string): { files: string[]; tracked: boolean } {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--", dir], { cwd: projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return { files: out.split("\0").filter(Boolean).sort(), tracked: true };
  } catch {
    const files: string[] = [];
    const walk = (current: string): void => {
      for (const entry of readdirSync(current).sort()) {
        const path = join(current, entry);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(relative(projectDir, path));
      }
    };
    walk(join(projectDir, dir));
    return { files: files.sort(), tracked: false };
  }
}

/** A digest of files (path, whether executable, content), so that any change to the
 *  playbooks re-runs provisioning and nothing else does. */
export function filesDigest(projectDir: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) {
    const path = join(projectDir, file);
    const executable = (statSync(path).mode & 0o111) !== 0;
    hash.update(`${file}\0${executable ? "x" : "-"}\0`).update(readFileSync(path)).update("\0");
  }
  return hash.digest("hex");
}

/** What Ansible runs on a node: ansible/ without the step scripts in ansible/bin, which
 *  drive a run and do not change what a node becomes. */
export function playbookFiles(projectDir: string): { files: string[]; tracked: boolean } {
  const all = projectFiles(projectDir, "ansible");
  return { files: all.files.filter((file) => !file.startsWith("ansible/bin/")), tracked: all.tracked };
}

/** What a node is configured from, as the provisioning step's NODE_CONFIG_DIGEST: the
 *  script records it on the node and skips the playbook when it is unchanged, and a
 *  rollout compares it with the state's to know which nodes a change re-provisions. */
export function configDigest(serverId: string, hostKeyLine: string, rebuild: number, ansibleVars: unknown, playbookDigest: string): string {
  return createHash("sha256").update(JSON.stringify([serverId, hostKeyLine, rebuild, ansibleVars, playbookDigest])).digest("hex");
}
