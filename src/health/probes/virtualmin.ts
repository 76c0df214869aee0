import { Agent, request } from "node:https";
import { withTimeout } from "./tcp";
import { probeContext } from "./tls";

/** Credentials of the panel's remote API user. */
export interface PanelCredentials {
  readonly user: string;
  readonly password: string;
}

let agent: Agent | undefined;
function probeAgent(): Agent {
  // Trust is the TLS check's business; this one asks whether the API answers.
  agent ??= new Agent({ rejectUnauthorized: false, secureContext: probeContext(), maxCachedSessions: 0 });
  return agent;
}

/** Calls Virtualmin's remote API `info` (virtualmin-gpl remote.cgi with `json=1`:
 *  `{command, status: "success"|"failure", output}` from json-lib.pl
 *  convert_remote_format, `{status: "error", error}` from api_error) and returns
 *  the Virtualmin version it reports. Webmin answers 401 to wrong credentials. */
export function virtualminInfo(address: string, port: number, servername: string, creds: PanelCredentials, timeoutMs: number): Promise<string> {
  const req = request({
    host: address, port, servername, method: "GET", agent: probeAgent(),
    path: "/virtual-server/remote.cgi?program=info&search=host&json=1",
    headers: { host: `${servername}:${port}`, authorization: `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString("base64")}` },
  });
  const work = new Promise<string>((resolve, reject) => {
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => { if (chunks.length < 256) chunks.push(c); });
      res.once("end", () => {
        if (res.statusCode === 401) return reject(new Error(`credentials of ${creds.user} rejected (HTTP 401)`));
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode ?? "?"}`));
        let body: { status?: unknown; output?: unknown; error?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
        } catch {
          return reject(new Error("the answer is not JSON: is this Virtualmin's remote.cgi?"));
        }
        if (body.status !== "success") return reject(new Error(`info failed: ${typeof body.error === "string" ? body.error : String(body.status)}`));
        const version = typeof body.output === "string" ? /virtualmin version:\s*(\S+)/i.exec(body.output)?.[1] : undefined;
        resolve(version ? `virtualmin ${version}` : "info answered");
      });
      res.once("error", reject);
    });
    req.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "ECONNREFUSED" ? "refused" : err.code ?? err.message)));
    req.end();
  });
  return withTimeout(work, timeoutMs, () => req.destroy());
}
