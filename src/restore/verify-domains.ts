import { request } from "node:http";

/** Whether one restored domain answers. */
export interface DomainAnswer {
  readonly domain: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Asks the node for each domain's home page over HTTP, by name (Host header) at the
 *  node's address, so the check does not depend on DNS pointing there yet. A domain
 *  answers when its web server gives any status below 500: a redirect to HTTPS or a
 *  login page is a served site; no answer, or a server error, is not. */
export async function domainsAnswer(address: string, domains: readonly string[], timeoutMs: number, port = 80): Promise<DomainAnswer[]> {
  return Promise.all(domains.map((domain) => new Promise<DomainAnswer>((done) => {
    const req = request({ host: address, port, path: "/", method: "GET", headers: { host: domain }, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done({ domain, ok: status > 0 && status < 500, detail: `HTTP ${status}` });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) => done({ domain, ok: false, detail: err.message }));
    req.end();
  })));
}
