import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FleetMetrics } from "./fleet-metrics";

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the metrics on 127.0.0.1 only: hostnames, addresses and incident states are
 *  for the operator's Prometheus, which scrapes from this host or through a proxy of
 *  the operator's choosing (docs/dashboard-and-metrics.md). Anything but GET or HEAD
 *  /metrics is refused. */
export async function serveMetrics(metrics: FleetMetrics, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("read-only\n");
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("only /metrics is here\n");
      return;
    }
    metrics.registry.metrics().then((text) => {
      res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : text);
    }, (err: Error) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(`${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "EADDRINUSE"
      ? `port ${port} on 127.0.0.1 is in use; give another --metrics-port` : `cannot serve metrics on 127.0.0.1:${port}: ${err.message}`)));
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
