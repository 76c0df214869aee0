import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How a stand-in node behaves (see fake-node-server.mjs). */
export type FakeMode = "ok" | "hang" | "not-ssh";

export interface FakeNodeSpec {
  readonly address: string;
  readonly mode?: FakeMode;
  /** The key the node presents; a fresh one by default. */
  readonly hostKey?: HostKey;
  /** Signs the exchange with another key than the one it presents (a replayed key). */
  readonly signWith?: HostKey;
  readonly cert?: Certificate;
  readonly panel?: { user: string; password: string; version: string };
}

export interface HostKey {
  readonly privateKey: KeyObject;
  /** `ssh-ed25519 AAAA…` as it would be pinned. */
  readonly line: string;
}

export interface Certificate {
  readonly cert: string;
  readonly key: string;
}

/** A fresh ED25519 host key and its OpenSSH public key line. */
export function hostKey(): HostKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: "jwk" }).x!, "base64url");
  const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(raw)]);
  return { privateKey, line: `ssh-ed25519 ${blob.toString("base64")}` };
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A self-signed certificate valid for `days` from now, made by Debian's openssl. */
export function certificate(days: number, cn = "node.test"): Certificate {
  const dir = mkdtempSync(join(tmpdir(), "fleet-cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", String(days),
      "-subj", `/CN=${cn}`, "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    return { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Nodes on loopback addresses, served by a child process; `stop` ends it;
 *  `credentialsSent` lists the addresses whose panel received an Authorization header. */
export async function startFakeNodes(specs: readonly FakeNodeSpec[]): Promise<{ stop: () => Promise<void>; credentialsSent: () => string[] }> {
  const shared = certificate(90);
  const nodes = specs.map((s) => {
    const key = s.hostKey ?? hostKey();
    const cert = s.cert ?? shared;
    return {
      address: s.address, mode: s.mode ?? "ok", cert: cert.cert, key: cert.key,
      hostKeyPem: key.privateKey.export({ format: "pem", type: "pkcs8" }),
      ...(s.signWith ? { signKeyPem: s.signWith.privateKey.export({ format: "pem", type: "pkcs8" }) } : {}),
      ...(s.panel ? { panel: s.panel } : {}),
    };
  });
  const child = spawn(process.execPath, [join(__dirname, "fake-node-server.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  const ready = waitForLine(child, "ready");
  child.stdin!.end(JSON.stringify({ nodes }));
  await ready;
  let out = "";
  child.stdout!.on("data", (c: Buffer) => { out += c.toString(); });
  const credentialsSent = () => [...out.matchAll(/^credentials (\S+)$/gm)].map((m) => m[1]!);
  return { stop: () => stopChild(child), credentialsSent };
}

/** Addresses whose ports take no connection at all: the listen queue is full, so
 *  the kernel drops further SYNs and a client waits, as for a powered-off server. */
export async function startBlackhole(address: string, ports: readonly number[]): Promise<{ stop: () => Promise<void> }> {
  const script = [
    "import socket, sys, time",
    "keep = []",
    "for p in [int(x) for x in sys.argv[2:]]:",
    "    s = socket.socket(); s.bind((sys.argv[1], p)); s.listen(0); keep.append(s)",
    "    for _ in range(3):",
    "        c = socket.socket(); c.setblocking(False)",
    "        try: c.connect((sys.argv[1], p))",
    "        except BlockingIOError: pass",
    "        keep.append(c)",
    "print('ready', flush=True)",
    "time.sleep(3600)",
  ].join("\n");
  const child = spawn("python3", ["-c", script, address, ...ports.map(String)], { stdio: ["ignore", "pipe", "inherit"] });
  await waitForLine(child, "ready");
  return { stop: () => stopChild(child) };
}

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (c: Buffer) => {
      seen += c.toString();
      if (seen.includes(`${line}\n`)) { child.stdout!.off("data", onData); resolve(); }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`stand-in exited with ${code} before "${line}"`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => { child.once("exit", () => resolve()); child.kill("SIGTERM"); });
}
