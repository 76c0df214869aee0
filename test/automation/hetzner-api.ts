import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake Hetzner API received. */
export interface HetznerRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface FakeHetznerOptions {
  /** change_protection answers 423 `locked`, as Hetzner does while another action runs. */
  readonly failProtect?: boolean;
  /** Primary IPs by id, with their delete protection. */
  readonly primaryIps?: Readonly<Record<string, boolean>>;
  /** Items a list page holds (the API's per_page; hcloud-go asks for 50). */
  readonly perPage?: number;
}

export interface FakeHetzner {
  readonly url: string;
  readonly requests: HetznerRequest[];
  /** A server's delete protection now (undefined: no such server). */
  protection(id: string): boolean | undefined;
  /** Lifts a server's protection behind the program's back (`hcloud server disable-protection`). */
  unprotect(id: string): void;
  /** Lifts a Primary IP's delete protection (`hcloud primary-ip disable-protection`). */
  unprotectIp(id: string): void;
  close(): void;
}

/** Hetzner Cloud's server and Primary IP endpoints on 127.0.0.1, in the API's shape:
 *  `POST /servers/{id}/actions/change_protection` (201 with the action), `GET /servers/{id}`
 *  (the server with its `protection`), `GET /servers` and `GET /primary_ips` paged as
 *  hcloud-go's iterPages reads them (hcloud/client_helper.go: `meta.pagination.next_page`,
 *  0 or absent on the last page), 404 with an error object for unknown servers.
 *  `guarded` servers start with their delete and rebuild protection on. */
export async function fakeHetznerApi(servers: readonly string[], guarded: readonly string[] = [], opts: FakeHetznerOptions = {}): Promise<FakeHetzner> {
  const requests: HetznerRequest[] = [];
  const protection = new Map(servers.map((id) => [id, guarded.includes(id)]));
  const perPage = opts.perPage ?? 50;
  const ipProtection = new Map(Object.entries(opts.primaryIps ?? {}));
  const page = <T>(items: readonly T[], url: URL) => {
    const n = Number(url.searchParams.get("page") ?? "1");
    const size = Math.min(perPage, Number(url.searchParams.get("per_page") ?? "25"));
    const last = Math.max(1, Math.ceil(items.length / size));
    return { items: items.slice((n - 1) * size, n * size), meta: { pagination: { page: n, per_page: size, next_page: n < last ? n + 1 : null, last_page: last, total_entries: items.length } } };
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => { body += c.toString(); });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(body || "null") });
      res.setHeader("content-type", "application/json");
      const url = new URL(req.url ?? "/", "http://x");
      const serverOf = (id: string) => ({ id: Number(id), status: "running", protection: { delete: protection.get(id)!, rebuild: protection.get(id)! } });
      if (req.method === "GET" && url.pathname === "/v1/servers") {
        const { items, meta } = page([...protection.keys()].map(serverOf), url);
        res.end(JSON.stringify({ servers: items, meta }));
        return;
      }
      if (req.method === "GET" && url.pathname === "/v1/primary_ips") {
        const { items, meta } = page([...ipProtection].map(([id, on]) => ({ id: Number(id), protection: { delete: on } })), url);
        res.end(JSON.stringify({ primary_ips: items, meta }));
        return;
      }
      const read = /^\/v1\/servers\/(\d+)$/.exec(url.pathname)?.[1];
      if (req.method === "GET" && read && protection.has(read)) {
        res.end(JSON.stringify({ server: serverOf(read) }));
        return;
      }
      const id = /^\/v1\/servers\/(\d+)\/actions\/change_protection$/.exec(url.pathname)?.[1];
      if (!id || !servers.includes(id)) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: "not_found", message: "server not found" } }));
        return;
      }
      if (opts.failProtect && (JSON.parse(body || "{}") as { delete?: boolean }).delete === true) {
        res.statusCode = 423;
        res.end(JSON.stringify({ error: { code: "locked", message: "locked" } }));
        return;
      }
      protection.set(id, (JSON.parse(body || "{}") as { delete?: boolean }).delete === true);
      res.statusCode = 201;
      res.end(JSON.stringify({ action: { id: 1, command: "change_protection", status: "success", resources: [{ id: Number(id), type: "server" }] } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests,
    protection: (id) => protection.get(id),
    unprotect: (id) => { protection.set(id, false); },
    unprotectIp: (id) => { ipProtection.set(id, false); },
    close: () => server.close(),
  };
}
