import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { CSP } from "./assets";
import type { DashboardModel } from "./model";
import { siteFile } from "./site";

export interface DashboardServerOptions {
  readonly host: string;
  readonly port: number;
  /** Required unless `host` is a loopback address; from the environment only. */
  readonly token?: string;
  readonly refreshSeconds: number;
  /** Reads the sources and joins them; called at most once per refresh interval. */
  readonly load: () => Promise<DashboardModel>;
}

export interface DashboardServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Whether an address is this machine's loopback (127.0.0.0/8, ::1, localhost), the only
 *  place the dashboard is served without a token. */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || /^::ffff:127\./i.test(host);
  return false;
}

export class DashboardBindError extends Error {}

/** Why an address beyond loopback is refused without a token. */
export function unprotectedBind(host: string): string {
  return `refusing to serve on ${host} without a token: anyone who reaches it would see the fleet; set FLEET_DASHBOARD_TOKEN or bind to 127.0.0.1`;
}

const COOKIE = "fleet_dashboard_token";
const HEADERS = {
  "content-security-policy": CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
  "x-frame-options": "DENY", "cache-control": "no-store",
};

/** Serves the dashboard read-only: GET and HEAD of its own files, every answer with the
 *  strict policy. Off loopback a token is required (a bearer header, or `?token=` once,
 *  which sets an HttpOnly cookie and redirects to the address without it). */
export async function serveDashboard(opts: DashboardServerOptions): Promise<DashboardServer> {
  if (!isLoopback(opts.host) && !opts.token) {
    throw new DashboardBindError(unprotectedBind(opts.host));
  }
  const digest = (t: string) => createHash("sha256").update(t).digest();
  const expected = opts.token === undefined ? undefined : digest(opts.token);
  const allowed = (given: string | undefined) => expected === undefined || (given !== undefined && timingSafeEqual(digest(given), expected));

  let model: DashboardModel | undefined;
  let loadedAt = 0;
  let loading: Promise<DashboardModel> | undefined;
  const current = (): Promise<DashboardModel> => {
    if (model && Date.now() - loadedAt < opts.refreshSeconds * 1000) return Promise.resolve(model);
    loading ??= opts.load().then((m) => { model = m; loadedAt = Date.now(); return m; }).finally(() => { loading = undefined; });
    return loading;
  };

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...HEADERS, "content-type": type, ...extra }).end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain; charset=utf-8", "the dashboard is read-only\n", { allow: "GET, HEAD" });
    const url = new URL(req.url ?? "/", "http://dashboard");
    const queryToken = url.searchParams.get("token") ?? undefined;
    if (queryToken !== undefined && expected !== undefined) {
      if (!allowed(queryToken)) return send(401, "text/plain; charset=utf-8", "wrong token\n");
      return send(303, "text/plain; charset=utf-8", "", { location: url.pathname, "set-cookie": `${COOKIE}=${encodeURIComponent(queryToken)}; HttpOnly; SameSite=Strict; Path=/` });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const cookie = (req.headers.cookie ?? "").split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
    if (!allowed(bearer ?? (cookie === undefined ? undefined : decodeURIComponent(cookie)))) {
      return send(401, "text/plain; charset=utf-8", "a token is required: open /?token=… once, or send Authorization: Bearer …\n");
    }
    const file = siteFile(await current(), url.pathname.replace(/^\//, ""), opts.refreshSeconds);
    if (!file) return send(404, "text/plain; charset=utf-8", "no such page\n");
    send(200, file.type, file.body);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { ...HEADERS, "content-type": "text/plain; charset=utf-8" }).end(`the sources could not be read: ${err.message.split("\n")[0]}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(new DashboardBindError(err.code === "EADDRINUSE"
      ? `port ${opts.port} on ${opts.host} is in use; give another --port` : `cannot serve on ${opts.host}:${opts.port}: ${err.message}`)));
    server.listen(opts.port, opts.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${isIP(address) === 6 ? `[${address}]` : address}:${port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
