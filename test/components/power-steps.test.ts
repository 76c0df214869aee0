import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STEP_COMMANDS } from "../../src/components/commands";

const ROOT = join(__dirname, "../..");
const TOKEN = "hcloud-token-for-tests";

/** A local stand-in for the Hetzner Cloud API: the server's status, power actions and
 *  every request seen (method, path, whether the bearer token came). */
function fakeHetzner(initial: "running" | "off") {
  const state = { status: initial as string, requests: [] as string[], shutdownRequested: false };
  const server: Server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url} ${req.headers.authorization === `Bearer ${TOKEN}` ? "auth" : "no-auth"}`);
    const send = (body: unknown) => { res.setHeader("content-type", "application/json"); res.end(JSON.stringify(body)); };
    if (state.shutdownRequested) state.status = "off";
    if (req.url?.startsWith("/servers?name=")) return send({ servers: [{ id: 42, status: state.status, public_net: { ipv4: { ip: "127.0.0.1" } } }] });
    if (req.url === "/servers/42") return send({ server: { id: 42, status: state.status } });
    if (req.url === "/servers/42/actions/poweron" && req.method === "POST") { state.status = "running"; return send({ action: { id: 7, status: "running" } }); }
    if (req.url === "/actions/7") return send({ action: { id: 7, status: "success" } });
    res.statusCode = 404;
    res.end();
  });
  return { state, server };
}

let api: Server | undefined;
afterEach(() => api?.close());

async function listen(server: Server): Promise<string> {
  api = server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs a step command as the command provider does (`/bin/sh -c` in the project root). */
function runStep(line: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", line], { cwd: ROOT, env: { ...process.env, HCLOUD_POLL_SECONDS: "0", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.stdin.end("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----\n");
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** An ssh stand-in that logs its remote command and tells the fake API a shutdown began. */
function fakeSsh(apiUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fake-ssh-"));
  writeFileSync(join(dir, "ssh"), `#!/bin/sh\nfor last; do :; done\necho "$last" >> "${dir}/log"\ncurl -s "${apiUrl}/shutdown" >/dev/null\n`);
  chmodSync(join(dir, "ssh"), 0o755);
  return dir;
}

describe("the power-on step", () => {
  const env = (url: string, type: string) => ({
    HCLOUD_ENDPOINT: url, HCLOUD_TOKEN: TOKEN, NODE_HOSTNAME: "prd-sha-het-de-fsn1-001", NODE_SERVER_ID: "42", NODE_SERVER_TYPE: type,
    NODE_POWER_OFF_RUN: "cpx32 0123456789abcdef",
  });

  it("powers a resized server back on and prints only its type", async () => {
    const { state, server } = fakeHetzner("off");
    const url = await listen(server);
    const run = await runStep(STEP_COMMANDS.powerOn, env(url, "cpx32"));
    expect(run).toEqual(expect.objectContaining({ code: 0, stdout: "cpx32\n" }));
    expect(state.requests).toEqual(["GET /servers/42 auth", "POST /servers/42/actions/poweron auth", "GET /actions/7 auth"]);
    expect(state.status).toBe("running");
  });

  it("powers the server on after a failed type change: the type is the old one, and Hetzner reports it off", async () => {
    const { state, server } = fakeHetzner("off");
    const url = await listen(server);
    const run = await runStep(STEP_COMMANDS.powerOn, { ...env(url, "cpx22"), PULUMI_COMMAND_STDOUT: "cpx22" });
    expect(run).toEqual(expect.objectContaining({ code: 0, stdout: "cpx22\n" }));
    expect(state.requests).toContain("POST /servers/42/actions/poweron auth");
    expect(state.status).toBe("running");
  });

  it("only asks for the status of a server Hetzner reports running", async () => {
    const { state, server } = fakeHetzner("running");
    const url = await listen(server);
    const run = await runStep(STEP_COMMANDS.powerOn, env(url, "cpx32"));
    expect(run.stdout).toBe("cpx32\n");
    expect(state.requests).toEqual(["GET /servers/42 auth"]);
  });
});

describe("the power-off step", () => {
  it("shuts a running node down over SSH and waits until Hetzner reports it off", async () => {
    const fake = fakeHetzner("running");
    const url = await listen(createServer((req, res) => {
      if (req.url === "/shutdown") { fake.state.shutdownRequested = true; res.end(); return; }
      fake.server.emit("request", req, res);
    }));
    const ssh = fakeSsh(url);
    const run = await runStep(STEP_COMMANDS.powerOff, {
      PATH: `${ssh}:${process.env.PATH}`, HCLOUD_ENDPOINT: url, HCLOUD_TOKEN: TOKEN, NODE_HOSTNAME: "prd-sha-het-de-fsn1-001",
      NODE_HOST_KEY: "ssh-ed25519 AAAAhost", NODE_SERVER_TYPE: "cpx32", PULUMI_COMMAND_STDOUT: "cpx22",
    });
    expect(run).toEqual(expect.objectContaining({ code: 0, stdout: expect.stringMatching(/^cpx32 [0-9a-f]{16}\n$/) }));
    expect(readFileSync(join(ssh, "log"), "utf8")).toBe("systemctl poweroff\n");
    expect(fake.state.requests.at(-1)).toBe("GET /servers/42 auth");
    expect(fake.state.status).toBe("off");
  });

  it("touches nothing when the size did not change", async () => {
    const { state, server } = fakeHetzner("running");
    const url = await listen(server);
    const ssh = fakeSsh(url);
    const run = await runStep(STEP_COMMANDS.powerOff, {
      PATH: `${ssh}:${process.env.PATH}`, HCLOUD_ENDPOINT: url, NODE_HOSTNAME: "n", NODE_HOST_KEY: "ssh-ed25519 AAAAhost",
      NODE_SERVER_TYPE: "cpx32", PULUMI_COMMAND_STDOUT: "cpx32 0123456789abcdef",
    });
    expect(run.stdout).toMatch(/^cpx32 [0-9a-f]{16}\n$/);
    expect(state.requests).toEqual([]);
    expect(existsSync(join(ssh, "log"))).toBe(false);
  });

  it("leaves no admin key behind when it is killed outright: the next run removes it", async () => {
    const fake = fakeHetzner("running");
    const url = await listen(fake.server);
    // An ssh that never returns, so the run is killed while it holds the key.
    const ssh = mkdtempSync(join(tmpdir(), "hanging-ssh-"));
    writeFileSync(join(ssh, "ssh"), "#!/bin/sh\nexec sleep 60\n");
    chmodSync(join(ssh, "ssh"), 0o755);
    const shm = mkdtempSync("/dev/shm/power-off-test-");
    const keyDirs = () => readdirSync(shm).filter((n) => /^nfp\.\w{6}$/.test(n));
    const env = { ...process.env, PATH: `${ssh}:${process.env.PATH}`, TMPDIR: shm, XDG_RUNTIME_DIR: "", HCLOUD_ENDPOINT: url, HCLOUD_TOKEN: TOKEN,
      HCLOUD_POLL_SECONDS: "0", NODE_HOSTNAME: "prd-sha-het-de-fsn1-001", NODE_HOST_KEY: "ssh-ed25519 AAAAhost", NODE_SERVER_TYPE: "cpx32" };
    try {
      const run = spawn(join(ROOT, "ansible/bin/power-off"), [], { env: { ...env, PULUMI_COMMAND_STDOUT: "cpx22" }, stdio: ["pipe", "ignore", "ignore"] });
      run.stdin.end("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----\n");
      for (let i = 0; i < 100 && !keyDirs().some((d) => existsSync(join(shm, d, "id"))); i++) await new Promise((r) => setTimeout(r, 100));
      const [held] = keyDirs();
      expect(readFileSync(join(shm, held!, "id"), "utf8")).toContain("PRIVATE KEY");
      await new Promise((resolve) => { run.once("exit", resolve); run.kill("SIGKILL"); });
      expect(keyDirs()).toEqual([held]);
      const next = await runStep(STEP_COMMANDS.powerOff, { ...env, PULUMI_COMMAND_STDOUT: "cpx32" });
      expect(next.stderr).toContain(`power-off: removed the working directory of a run that is gone: ${join(shm, held!)}`);
      expect(keyDirs()).toEqual([]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it("writes no key anywhere when the size did not change", async () => {
    const shm = mkdtempSync("/dev/shm/power-off-test-");
    try {
      const run = await runStep(STEP_COMMANDS.powerOff, { TMPDIR: shm, XDG_RUNTIME_DIR: "", NODE_HOSTNAME: "n", NODE_HOST_KEY: "ssh-ed25519 AAAAhost",
        NODE_SERVER_TYPE: "cpx32", PULUMI_COMMAND_STDOUT: "cpx32" });
      expect(run.code).toBe(0);
      expect(readdirSync(shm)).toEqual([]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it("prints a fresh run id on every run, so the power-on step follows each run", async () => {
    const { server } = fakeHetzner("running");
    const url = await listen(server);
    const ssh = fakeSsh(url);
    const once = () => runStep(STEP_COMMANDS.powerOff, {
      PATH: `${ssh}:${process.env.PATH}`, HCLOUD_ENDPOINT: url, NODE_HOSTNAME: "n", NODE_HOST_KEY: "ssh-ed25519 AAAAhost",
      NODE_SERVER_TYPE: "cpx32", PULUMI_COMMAND_STDOUT: "cpx32 0123456789abcdef",
    });
    const [first, second] = [await once(), await once()];
    expect(first.stdout.split(" ")[0]).toBe("cpx32");
    expect(first.stdout).not.toBe(second.stdout);
  });
});
