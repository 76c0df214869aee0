import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

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

/** The stack outputs that reach a node as root (src/program.ts StackOutputs). */
const NodeLogins = z.object({
  nodes: z.record(z.string(), z.looseObject({ ipv4: z.string(), hostPublicKey: z.string().optional() })).default({}),
  adminKeys: z.record(z.string(), z.string()).optional(),
});

/** A node's answer to one command, or why it was not asked. */
export type NodeAnswer = { readonly hostname: string; readonly run: ShellResult } | { readonly hostname: string; readonly unasked: string };

/** Runs one command on each node over SSH, with the host key pinned in the stack's outputs
 *  and the node's own admin key; an SSH failure is an answer with no exit code. */
export async function askEachNode(outputs: unknown, hostnames: readonly string[], command: string, timeoutMs: number,
  shellFor: (login: NodeLogin) => NodeShell = (login) => sshShell(login, timeoutMs)): Promise<NodeAnswer[]> {
  const parsed = NodeLogins.safeParse(outputs);
  if (!parsed.success) throw new Error(`unexpected stack outputs: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
  const { nodes, adminKeys } = parsed.data;
  return Promise.all(hostnames.map(async (hostname): Promise<NodeAnswer> => {
    const node = nodes[hostname];
    const key = adminKeys?.[hostname];
    if (!node?.ipv4 || !node.hostPublicKey || !key) {
      return { hostname, unasked: "the stack's outputs hold no address, host key or admin key for it (deploy with `fleet up`)" };
    }
    const run = await shellFor({ address: node.ipv4, hostKey: node.hostPublicKey, privateKey: key })(command)
      .catch((err: Error) => ({ code: null, stdout: "", stderr: err.message }));
    return { hostname, run };
  }));
}
