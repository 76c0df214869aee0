import { createHash } from "node:crypto";
import { request } from "node:https";
import { connect, type TLSSocket } from "node:tls";
import { withTimeout } from "./tcp";
import { probeContext } from "./tls";

/** Credentials of the panel's remote API user. */
export interface PanelCredentials {
  readonly user: string;
  readonly password: string;
}

/** The panel refused the node's own credentials (HTTP 401 or 403): the password was
 *  changed on the node, or whoever answers is not the node. Never healed, only notified. */
export class PanelAuthError extends Error {}

/** The panel's certificate is not the one pinned at provisioning: the password is not sent. */
export class PanelIdentityError extends Error {}

/** `AB:CD:…`, the SHA-256 of a certificate's DER, as Node and `openssl x509 -fingerprint -sha256` print it. */
export function certificateSha256(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":");
}

function samePin(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return norm(a) === norm(b) && norm(a).length === 64;
}

/** Calls Virtualmin's remote API `info` (virtualmin-gpl remote.cgi with `json=1`:
 *  `{command, status: "success"|"failure", output}` from json-lib.pl
 *  convert_remote_format, `{status: "error", error}` from api_error) and returns
 *  the Virtualmin version it reports. Webmin answers 401 to wrong credentials. */
export function virtualminInfo(address: string, port: number, servername: string, creds: PanelCredentials, certSha256: string,
  timeoutMs: number): Promise<string> {
  let socket: TLSSocket | undefined;
  const work = pinnedConnection(address, port, servername, certSha256, (s) => { socket = s; })
    .then((verified) => askInfo(verified, servername, port, creds));
  return withTimeout(work, timeoutMs, () => socket?.destroy());
}

/** A TLS connection whose leaf certificate is the pinned one. A fresh panel's
 *  certificate is self-signed, so no CA can vouch for it; the pin does, and nothing is
 *  written on the connection before it is checked. */
function pinnedConnection(address: string, port: number, servername: string, certSha256: string, started: (s: TLSSocket) => void): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, servername, rejectUnauthorized: false, secureContext: probeContext() });
    started(socket);
    socket.once("secureConnect", () => {
      const seen = certificateSha256(socket.getPeerCertificate().raw);
      if (samePin(seen, certSha256)) return resolve(socket);
      socket.destroy();
      reject(new PanelIdentityError(`the panel's certificate ${seen} is not the pinned one; credentials not sent`));
    });
    socket.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "ECONNREFUSED" ? "refused" : err.code ?? err.message)));
  });
}

function askInfo(socket: TLSSocket, servername: string, port: number, creds: PanelCredentials): Promise<string> {
  const req = request({
    method: "GET", createConnection: () => socket,
    path: "/virtual-server/remote.cgi?program=info&search=host&json=1",
    headers: { host: `${servername}:${port}`, authorization: `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString("base64")}` },
  });
  return new Promise<string>((resolve, reject) => {
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => { if (chunks.length < 256) chunks.push(c); });
      res.once("end", () => {
        socket.destroy();
        if (res.statusCode === 401 || res.statusCode === 403) {
          return reject(new PanelAuthError(`credentials of ${creds.user} rejected (HTTP ${res.statusCode})`));
        }
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
    req.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code ?? err.message)));
    req.end();
  });
}
