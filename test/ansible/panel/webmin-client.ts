import { request } from "node:https";
import { request as plainRequest } from "node:http";
import type { TLSSocket } from "node:tls";

/** The platform's Webmin login (the API user and the password the registration step sends). */
export interface WebminLogin {
  readonly user: string;
  readonly password: string;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request to Webmin (miniserv, port 10000) with HTTP basic authentication,
 *  as the platform makes it. The test host's certificate is self-signed. */
export function webmin(address: string, path: string, login: WebminLogin, body?: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({
      host: address, port: 10000, path, method: body === undefined ? "GET" : "POST", rejectUnauthorized: false, timeout: 120_000,
      headers: {
        authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}`,
        ...(body === undefined ? {} : { "content-type": "text/xml", "content-length": Buffer.byteLength(body) }),
      },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error(`${path}: no answer within 120 s`)));
    req.on("error", fail);
    req.end(body);
  });
}

/** virtualmin-gpl remote.cgi's JSON answer (json-lib.pl convert_remote_format). */
export interface RemoteAnswer {
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly data?: unknown;
}

/** Calls Virtualmin's remote API: `program` with its options, each `[name, value]`
 *  (an empty value is a flag), answered in JSON. */
export async function remote(address: string, login: WebminLogin, program: string, options: [string, string][] = []): Promise<RemoteAnswer> {
  const query = new URLSearchParams([["program", program], ...options, ["json", "1"]]);
  const answer = await webmin(address, `/virtual-server/remote.cgi?${query.toString()}`, login);
  if (answer.status !== 200) throw new Error(`remote.cgi ${program}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
  return JSON.parse(answer.body) as RemoteAnswer;
}

/** An HTTPS GET to the node's web server for the customer domain (its name in SNI and the
 *  Host header), with the names its certificate holds. Virtualmin's first certificate for
 *  a domain is self-signed (feature-ssl.pl generate_default_certificate). */
export function secureWebsite(address: string, domain: string, path: string): Promise<Answer & { readonly certificateNames: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: address, port: 443, path, servername: domain, headers: { host: domain }, rejectUnauthorized: false, timeout: 30_000 }, (res) => {
      const certificateNames = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? "";
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: text, certificateNames }));
    });
    req.on("timeout", () => req.destroy(new Error(`https://${domain}${path}: no answer within 30 s`)));
    req.on("error", fail);
    req.end();
  });
}

/** A plain HTTP GET to the node's web server with the customer domain's Host header. */
export function website(address: string, domain: string, path: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = plainRequest({ host: address, port: 80, path, headers: { host: domain }, timeout: 30_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error(`http://${domain}${path}: no answer within 30 s`)));
    req.on("error", fail);
    req.end();
  });
}
