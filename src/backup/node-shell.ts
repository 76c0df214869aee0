import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How to reach a node as root: its address, the host key pinned for it and the node's
 *  admin private key, all from the stack's outputs. */
export interface NodeLogin {
  readonly address: string;
  readonly port?: number;
  /** `ssh-ed25519 AAAA…` */
  readonly hostKey: string;
  readonly privateKey: string;
}

export interface ShellResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one command on a node; `stdin` carries what must never be on a command line. */
export type NodeShell = (command: string, stdin?: string) => Promise<ShellResult>;

/** A shell over SSH with the pinned host key (no trust on first use) and the node's own
 *  key, which lives only in a private directory for as long as the command runs. */
export function sshShell(login: NodeLogin, timeoutMs: number): NodeShell {
  return (command, stdin) => new Promise((done, fail) => {
    const dir = mkdtempSync(join(tmpdir(), "node-fleet-ssh-"));
    const cleanup = () => rmSync(dir, { recursive: true, force: true });
    try {
      const port = login.port ?? 22;
      writeFileSync(join(dir, "id"), login.privateKey.endsWith("\n") ? login.privateKey : `${login.privateKey}\n`, { mode: 0o600 });
      writeFileSync(join(dir, "known_hosts"), `${port === 22 ? login.address : `[${login.address}]:${port}`} ${login.hostKey}\n`, { mode: 0o600 });
      const child = spawn("ssh", ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${join(dir, "known_hosts")}`,
        "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "ConnectTimeout=10",
        "-o", "LogLevel=ERROR", "-i", join(dir, "id"), "-p", String(port), `root@${login.address}`, command], { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
      child.stdout.on("data", (c) => (stdout += String(c)));
      child.stderr.on("data", (c) => (stderr += String(c)));
      child.on("error", (err) => { clearTimeout(timer); cleanup(); fail(err); });
      child.on("close", (code) => { clearTimeout(timer); cleanup(); done({ code, stdout, stderr }); });
      child.stdin.end(stdin ?? "");
    } catch (err) {
      cleanup();
      fail(err);
    }
  });
}
