import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake Hetzner API received. */
export interface HetznerRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** Hetzner Cloud's `POST /servers/{id}/actions/change_protection` on 127.0.0.1, in the
 *  API's shape (201 with the action; 404 with an error object for unknown servers). */
export async function fakeHetznerApi(servers: readonly string[]): Promise<{ url: string; requests: HetznerRequest[]; close: () => void }> {
  const requests: HetznerRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => { body += c.toString(); });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(body || "null") });
      const id = /^\/v1\/servers\/(\d+)\/actions\/change_protection$/.exec(req.url ?? "")?.[1];
      res.setHeader("content-type", "application/json");
      if (!id || !servers.includes(id)) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: "not_found", message: "server not found" } }));
        return;
      }
      res.statusCode = 201;
      res.end(JSON.stringify({ action: { id: 1, command: "change_protection", status: "success", resources: [{ id: Number(id), type: "server" }] } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, close: () => server.close() };
}
