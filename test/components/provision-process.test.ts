import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FORCE_PROVISION_ENV, STEP_COMMANDS } from "../../src/components/commands";

const ROOT = join(__dirname, "../..");
const DIGEST = "a".repeat(64);

/** A real admin key: provision derives the node's public key from it (ssh-keygen -y). */
const ADMIN_KEY = (() => {
  const dir = mkdtempSync(join(tmpdir(), "admin-key-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "id")]);
  return readFileSync(join(dir, "id"), "utf8");
})();

/** Stand-ins for ssh and ansible-playbook on PATH: ssh answers every probe and prints
 *  what the node "recorded"; ansible-playbook writes its pid and sleeps, like a long play. */
function fakeTools(recorded = ""): { dir: string; tmp: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "fake-tools-"));
  const tmp = mkdtempSync(join(tmpdir(), "provision-tmp-"));
  writeFileSync(join(dir, "ssh"), `#!/bin/sh\ncase "$*" in *"cat /etc/node-fleet/provisioned"*) printf '%s\\n' "${recorded}" ;; esac\nexit 0\n`);
  writeFileSync(join(dir, "ansible-playbook"), `#!/bin/sh\necho $$ > "${dir}/ansible.pid"\nexec sleep 600\n`);
  for (const tool of ["ssh", "ansible-playbook"]) chmodSync(join(dir, tool), 0o755);
  const env = {
    PATH: `${dir}:${process.env.PATH}`, TMPDIR: tmp, NODE_HOST: "127.0.0.1", NODE_HOSTNAME: "dev-sha-het-de-fsn1-001",
    NODE_HOST_KEY: "ssh-ed25519 AAAAhostkey", NODE_VARS: "{}", NODE_CONFIG_DIGEST: DIGEST, NODE_SSH_WAIT: "5",
  };
  return { dir, tmp, env };
}

/** Starts the step as the command provider does: `/bin/sh -c <create>` in the project
 *  directory (pulumi-command local/commandOutputs.go run()). */
function startStep(env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn("/bin/sh", ["-c", STEP_COMMANDS.provision], { cwd: ROOT, env });
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += c));
  child.stdin!.end(ADMIN_KEY);
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
  return { child, done };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 10; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("the provisioning step's processes", () => {
  it("takes Ansible down when the command provider kills the step (SIGKILL at its time limit or on cancel)", async () => {
    const { dir, tmp, env } = fakeTools();
    const { child } = startStep(env);
    expect(await until(() => existsSync(join(dir, "ansible.pid")), 20)).toBe(true);
    const ansible = Number(readFileSync(join(dir, "ansible.pid"), "utf8"));
    expect(alive(ansible)).toBe(true);
    child.kill("SIGKILL");
    expect(await until(() => !alive(ansible), 15)).toBe(true);
    expect(await until(() => readdirSync(tmp).length === 0, 10)).toBe(true);
  }, 60_000);

  it("stops itself and Ansible at NODE_TIMEOUT with exit code 124", async () => {
    const { dir, tmp, env } = fakeTools();
    const { done } = startStep({ ...env, NODE_TIMEOUT: "3" });
    const { code, stderr } = await done;
    expect(code).toBe(124);
    expect(stderr).toContain("no result within NODE_TIMEOUT (3s)");
    expect(alive(Number(readFileSync(join(dir, "ansible.pid"), "utf8")))).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it("skips the playbook when the node recorded the same configuration digest", async () => {
    const { dir, env } = fakeTools(DIGEST);
    // A node provisioned before has its rotated host key pinned in the step's last output.
    const pinned = { NODE_SERVER_ID: "42", PULUMI_COMMAND_STDOUT: "node-fleet-host-key 42 ssh-ed25519 AAAApinned\n" };
    const { code, stderr } = await startStep({ ...env, ...pinned }).done;
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining("already provisioned from this configuration") });
    expect(existsSync(join(dir, "ansible.pid"))).toBe(false);
  }, 60_000);

  it("runs the playbook despite the same recorded digest when a recovery re-provision forces it", async () => {
    const { dir, env } = fakeTools(DIGEST);
    const { child } = startStep({ ...env, [FORCE_PROVISION_ENV]: "1" });
    expect(await until(() => existsSync(join(dir, "ansible.pid")), 20)).toBe(true);
    child.kill("SIGKILL");
    const ansible = Number(readFileSync(join(dir, "ansible.pid"), "utf8"));
    expect(await until(() => !alive(ansible), 15)).toBe(true);
  }, 60_000);

  it("runs the playbook when the recorded digest differs", async () => {
    const { dir, env } = fakeTools("b".repeat(64));
    const { child } = startStep(env);
    expect(await until(() => existsSync(join(dir, "ansible.pid")), 20)).toBe(true);
    child.kill("SIGKILL");
    const ansible = Number(readFileSync(join(dir, "ansible.pid"), "utf8"));
    expect(await until(() => !alive(ansible), 15)).toBe(true);
  }, 60_000);
});
