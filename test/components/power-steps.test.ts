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
  const state = { status: initial as string, requests: [] as string[], shutdownRequested: false, shutdownHonoured: true };
  const server: Server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url} ${req.headers.authorization === `Bearer ${TOKEN}` ? "auth" : "no-auth"}`);
    const send = (body: unknown) => { res.setHeader("content-type", "application/json"); res.end(JSON.stringify(body)); };
    if (state.shutdownRequested) state.status = "off";
    if (req.url?.startsWith("/servers?name=")) return send({ servers: [{ id: 42, status: state.status, public_net: { ipv4: { ip: "127.0.0.1" } } }] });
    if (req.url === "/servers/42") return send({ server: { id: 42, status: state.status } });
    if (req.url === "/servers/42/actions/poweron" && req.method === "POST") { state.status = "running"; return send({ action: { id: 7, status: "running" } }); }
    if (req.url === "/servers/42/actions/shutdown" && req.method === "POST") {
      if (state.shutdownHonoured) state.shutdownRequested = true;
      return send({ action: { id: 8, status: "running" } });
    }
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

/** An ssh stand-in that logs its remote command. */
function fakeSsh(): string {
  const dir = mkdtempSync(join(tmpdir(), "fake-ssh-"));
  writeFileSync(join(dir, "ssh"), `#!/bin/sh\nfor last; do :; done\necho "$last" >> "${dir}/log"\n`);
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
  const env = (url: string, overrides: Record<string, string> = {}) => ({
    HCLOUD_ENDPOINT: url, HCLOUD_TOKEN: TOKEN, NODE_HOSTNAME: "prd-sha-het-de-fsn1-001", NODE_SERVER_TYPE: "cpx32", ...overrides,
  });

  it("shuts a running node down with Hetzner's ACPI shutdown action and waits until Hetzner reports it off", async () => {
    const { state, server } = fakeHetzner("running");
    const url = await listen(server);
    const run = await runStep(STEP_COMMANDS.powerOff, env(url, { PULUMI_COMMAND_STDOUT: "cpx22 0123456789abcdef" }));
    expect(run).toEqual(expect.objectContaining({ code: 0, stdout: expect.stringMatching(/^cpx32 [0-9a-f]{16}\n$/) }));
    expect(state.requests).toEqual([
      "GET /servers?name=prd-sha-het-de-fsn1-001 auth", "POST /servers/42/actions/shutdown auth", "GET /servers/42 auth",
    ]);
    expect(state.status).toBe("off");
  });

  // Provisioning replaces the host key after the first boot, and this step runs before the
  // server, so it could never read the key to pin: it must not need one.
  it("never logs in to the node: no ssh runs and no key is written, so the rotated host key is never needed", async () => {
    const { server } = fakeHetzner("running");
    const url = await listen(server);
    const ssh = fakeSsh();
    const shm = mkdtempSync("/dev/shm/power-off-test-");
    try {
      const run = await runStep(STEP_COMMANDS.powerOff, env(url, {
        PATH: `${ssh}:${process.env.PATH}`, TMPDIR: shm, XDG_RUNTIME_DIR: "", PULUMI_COMMAND_STDOUT: "cpx22",
      }));
      expect(run.code).toBe(0);
      expect(existsSync(join(ssh, "log"))).toBe(false);
      expect(readdirSync(shm)).toEqual([]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it("stops with 69 and resizes nothing when the node ignores the shutdown", async () => {
    const { state, server } = fakeHetzner("running");
    state.shutdownHonoured = false;
    const url = await listen(server);
    const run = await runStep(STEP_COMMANDS.powerOff, env(url, { PULUMI_COMMAND_STDOUT: "cpx22", NODE_WAIT: "1", HCLOUD_POLL_SECONDS: "0.2" }));
    expect(run.code).toBe(69);
    expect(run.stderr).toContain("power-off: prd-sha-het-de-fsn1-001: not off 1s after a clean shutdown; nothing was resized");
    expect(run.stdout).toBe("");
  });

  it("touches nothing when the size did not change", async () => {
    const { state, server } = fakeHetzner("running");
    const url = await listen(server);
    const run = await runStep(STEP_COMMANDS.powerOff, env(url, { PULUMI_COMMAND_STDOUT: "cpx32 0123456789abcdef" }));
    expect(run.stdout).toMatch(/^cpx32 [0-9a-f]{16}\n$/);
    expect(state.requests).toEqual([]);
  });

  it("prints a fresh run id on every run, so the power-on step follows each run", async () => {
    const { server } = fakeHetzner("running");
    const url = await listen(server);
    const once = () => runStep(STEP_COMMANDS.powerOff, env(url, { PULUMI_COMMAND_STDOUT: "cpx32 0123456789abcdef" }));
    const [first, second] = [await once(), await once()];
    expect(first.stdout.split(" ")[0]).toBe("cpx32");
    expect(first.stdout).not.toBe(second.stdout);
  });
});
