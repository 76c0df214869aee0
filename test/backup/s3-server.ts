import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { request } from "node:http";

/** A real S3-protocol server (moto's `moto_server`, the S3 implementation botocore's
 *  own tests use) listening on the host side of a test host's network, with a bucket,
 *  and a switch that makes the address refuse connections (nftables on this machine,
 *  in a table of its own) to cut the store off, also in the middle of an upload. */
export interface S3Server {
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Refuse (TCP reset) every new and running connection to the store; `false` lifts it. */
  cutOff(on: boolean): void;
  /** Raw object access for a test that damages a repository on purpose. */
  list(prefix: string): Promise<string[]>;
  put(key: string, body: Buffer): Promise<number>;
  stop(): Promise<void>;
}

export async function startS3Server(address: string, bucket: string): Promise<S3Server> {
  if (spawnSync("sh", ["-c", "command -v moto_server"]).status !== 0) {
    throw new Error("moto_server is missing: pip install 'moto[server]==5.2.1' (Debian 12 has no python3-moto)");
  }
  const port = 41_000 + (process.pid % 1000);
  const table = `nodefleet_s3_${process.pid}`;
  const server: ChildProcess = spawn("moto_server", ["-H", address, "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr!.on("data", (chunk) => { log = (log + String(chunk)).slice(-4000); });
  const endpoint = `http://${address}:${port}`;
  const call = (method: string, path: string, body?: Buffer) => new Promise<{ status: number; text: string }>((done, fail) => {
    const req = request(`${endpoint}${path}`, { method, headers: { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request" } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += String(c)));
      res.on("end", () => done({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", fail);
    req.end(body);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await call("PUT", `/${bucket}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill();
      throw new Error(`moto_server did not start on ${endpoint}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  let cut = false;
  return {
    endpoint, bucket, accessKeyId: "node-fleet-test", secretAccessKey: "test-s3-secret-0123456789",
    cutOff(on) {
      if (on === cut) return;
      if (on) {
        execFileSync("nft", ["add", "table", "inet", table]);
        execFileSync("nft", ["add", "chain", "inet", table, "in", "{ type filter hook input priority -10; }"]);
        execFileSync("nft", ["add", "rule", "inet", table, "in", "ip", "daddr", address, "tcp", "dport", String(port), "reject", "with", "tcp", "reset"]);
      } else {
        execFileSync("nft", ["delete", "table", "inet", table]);
      }
      cut = on;
    },
    async list(prefix) {
      const { text } = await call("GET", `/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      return [...text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
    },
    async put(key, body) {
      return (await call("PUT", `/${bucket}/${key}`, body)).status;
    },
    async stop() {
      if (cut) spawnSync("nft", ["delete", "table", "inet", table]);
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGTERM");
        await exited;
      }
    },
  };
}
