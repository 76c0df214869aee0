import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake Hetzner API received. */
export interface HetznerRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** Hetzner Cloud's `POST /servers/{id}/actions/change_protection` and `GET /servers/{id}`
 *  on 127.0.0.1, in the API's shape (201 with the action; the server with its
 *  `protection`; 404 with an error object for unknown servers). `guarded` servers start
 *  with their delete and rebuild protection on. */
export async function fakeHetznerApi(servers: readonly string[], guarded: readonly string[] = []): Promise<{ url: string; requests: HetznerRequest[]; close: () => void }> {
  const requests: HetznerRequest[] = [];
  const protection = new Map(servers.map((id) => [id, guarded.includes(id)]));
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => { body += c.toString(); });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(body || "null") });
      res.setHeader("content-type", "application/json");
      const read = /^\/v1\/servers\/(\d+)$/.exec(req.url ?? "")?.[1];
      if (req.method === "GET" && read && protection.has(read)) {
        const on = protection.get(read)!;
        res.end(JSON.stringify({ server: { id: Number(read), status: "running", protection: { delete: on, rebuild: on } } }));
        return;
      }
      const id = /^\/v1\/servers\/(\d+)\/actions\/change_protection$/.exec(req.url ?? "")?.[1];
      if (!id || !servers.includes(id)) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: "not_found", message: "server not found" } }));
        return;
      }
      protection.set(id, (JSON.parse(body || "{}") as { delete?: boolean }).delete === true);
      res.statusCode = 201;
      res.end(JSON.stringify({ action: { id: 1, command: "change_protection", status: "success", resources: [{ id: Number(id), type: "server" }] } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, close: () => server.close() };
}
