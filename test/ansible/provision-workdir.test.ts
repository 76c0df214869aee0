import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provision } from "./provision";

const ROOT = join(__dirname, "../..");
let keys: string;
let adminKey: string;
let closedPort: string;
const started: ChildProcess[] = [];

/** Inputs that make provision wait for an SSH server that never answers: a run that is
 *  still in progress, holding the admin key in its working directory. */
const waiting = (tmp: string, extra: Record<string, string> = {}) => ({
  NODE_HOST: "127.0.0.1", NODE_PORT: closedPort, NODE_HOSTNAME: "dev-sha-het-de-fsn1-001",
  NODE_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2xQmrvD6ADHnjDjnq0Rp0gMmVYcUHjaAm6Kc1kzJbA", NODE_VARS: "{}",
  NODE_SSH_WAIT: "120", TMPDIR: tmp, XDG_RUNTIME_DIR: "", ...extra,
});
const workdirs = (dir: string) => readdirSync(dir).filter((name) => /^nfp\.\w{6}$/.test(name)).map((name) => join(dir, name));

function startRun(env: Record<string, string>): ChildProcess {
  const child = spawn(join(ROOT, "ansible/bin/provision"), [], { env: { ...process.env, ...env }, stdio: ["pipe", "ignore", "ignore"] });
  child.stdin!.end(adminKey);
  started.push(child);
  return child;
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const workdirOf = (dir: string, child: ChildProcess) => until(() => workdirs(dir).find((d) =>
  existsSync(join(d, "id")) && existsSync(join(d, "run")) && readFileSync(join(d, "run"), "utf8").startsWith(`${child.pid} `)), `the working directory of pid ${child.pid}`);

beforeAll(async () => {
  keys = mkdtempSync("/var/tmp/provision-keys-");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(keys, "id")]);
  adminKey = readFileSync(join(keys, "id"), "utf8");
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  closedPort = String((probe.address() as { port: number }).port);
  await new Promise<void>((done) => probe.close(() => done()));
});
afterAll(() => {
  for (const child of started) child.kill("SIGTERM");
  rmSync(keys, { recursive: true, force: true });
});

describe("provision's working directory", () => {
  it("is on tmpfs: TMPDIR when it is one, else /dev/shm", async () => {
    const disk = mkdtempSync("/var/tmp/provision-disk-");
    const before = new Set(workdirs("/dev/shm"));
    const run = startRun(waiting(disk));
    try {
      const dir = await until(() => workdirs("/dev/shm").find((d) => !before.has(d) && existsSync(join(d, "id"))), "a directory in /dev/shm");
      expect(execFileSync("stat", ["-f", "-c", "%T", dir], { encoding: "utf8" }).trim()).toBe("tmpfs");
      expect(execFileSync("stat", ["-c", "%a", dir], { encoding: "utf8" }).trim()).toBe("700");
      expect(workdirs(disk)).toEqual([]);
    } finally {
      run.kill("SIGTERM");
      await new Promise((r) => run.once("exit", r));
      rmSync(disk, { recursive: true, force: true });
    }
  }, 30_000);

  it("left by a killed run is removed by the next run, while a live run's stays", async () => {
    const tmp = mkdtempSync("/dev/shm/provision-tmp-");
    try {
      const live = startRun(waiting(tmp));
      const liveDir = await workdirOf(tmp, live);
      const killed = startRun(waiting(tmp));
      const stale = await workdirOf(tmp, killed);
      // The whole process group at once, watchdog included (the OOM killer, a crashed
      // machine): a run killed alone is cleaned up by its own watchdog.
      const exited = new Promise((r) => killed.once("exit", r));
      process.kill(-killed.pid!, "SIGKILL");
      await exited;
      expect(existsSync(join(stale, "id"))).toBe(true);
      const orphan = join(tmp, "nfp.ab12CD");
      execFileSync("mkdir", ["-m", "700", orphan]);
      writeFileSync(join(orphan, "id"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
      execFileSync("touch", ["-d", "-2 minutes", orphan]);

      const next = await provision(waiting(tmp, { NODE_SSH_WAIT: "1" }), adminKey);

      expect(next.code, next.stderr).toBe(69);
      expect(next.stderr).toContain(`removed the working directory of a run that is gone: ${stale}`);
      expect(next.stderr).toContain(`removed the working directory of a run that is gone: ${orphan}`);
      expect(workdirs(tmp)).toEqual([liveDir]);
      live.kill("SIGTERM");
      await new Promise((r) => live.once("exit", r));
      expect(workdirs(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("playbook variables", () => {
  /** The vars file provision writes, read by a real ansible-playbook on this machine. */
  function asAnsibleSees(vars: Record<string, unknown>, expression: string): string {
    const dir = mkdtempSync("/var/tmp/literal-vars-");
    try {
      writeFileSync(join(dir, "vars.yml"), spawnSync("python3", [join(ROOT, "ansible/bin/lib/literal-vars.py")],
        { input: JSON.stringify(vars), encoding: "utf8" }).stdout);
      writeFileSync(join(dir, "play.yml"), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ansible.builtin.copy:\n` +
        `        dest: ${join(dir, "out")}\n        content: "${expression}"\n        mode: "0600"\n`);
      const run = spawnSync("ansible-playbook", ["-c", "local", "-i", "localhost,", "-e", `@${join(dir, "vars.yml")}`, join(dir, "play.yml")],
        { encoding: "utf8", env: { ...process.env, ANSIBLE_NOCOLOR: "1" } });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      return readFileSync(join(dir, "out"), "utf8");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("reach Ansible literally: a template inside a value is never evaluated", () => {
    const marker = `/var/tmp/templated-${process.pid}`;
    const key = `ssh-ed25519 AAAAC3Nz ops {{ lookup('pipe', 'touch ${marker}') }}{% raw %}`;
    expect(asAnsibleSees({ node_master_ssh_public_key: key }, "{{ node_master_ssh_public_key }}")).toBe(key);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);

  it("keep lists, numbers, booleans and any character", () => {
    const vars = { sources: ["10.0.0.0/8", "{{ x }}"], days: 7, on: true, text: "tab\there \"quoted\" \\ é \u007f 😀" };
    expect(JSON.parse(asAnsibleSees(vars, "{{ {'sources': sources, 'days': days, 'on': on, 'text': text} | to_json }}"))).toEqual(vars);
  }, 60_000);
});
