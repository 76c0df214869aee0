import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load";
import { parseFleet } from "../../src/fleet/load";
import { planFleet } from "../../src/plan/node-plan";
import { StackSettingsSchema } from "../../src/stack/settings";
import { fetchHetznerPrices, HetznerApiError, MAX_PAGES, MAX_RATE_LIMIT_RETRIES, REQUEST_BUDGET } from "../../src/catalog/refresh/hetzner-api";

const ROOT = join(__dirname, "../..");

/** A server type in the shape of the Hetzner Cloud API docs (GET /v1/server_types). */
function serverType(id: number, name: string, prices: Record<string, [string, string]>, deprecation?: { announced: string; unavailable_after: string }) {
  return {
    id, name, description: name.toUpperCase(), cores: 2, memory: 4.0, disk: 40, cpu_type: "shared", storage_type: "local",
    architecture: "x86", category: "cost_optimized", deprecated: deprecation !== undefined, deprecation: deprecation ?? null,
    prices: Object.entries(prices).map(([location, [monthly, hourly]]) => ({
      location,
      price_hourly: { net: hourly, gross: String(Number(hourly) * 1.19) },
      price_monthly: { net: monthly, gross: String(Number(monthly) * 1.19) },
      included_traffic: 21990232555520,
      price_per_tb_traffic: { net: "1.0000000000", gross: "1.1900000000" },
    })),
    locations: Object.keys(prices).map((name, i) => ({ id: i + 1, name, deprecation: null })),
  };
}

const EU = (m: string, h: string) => ({ fsn1: [m, h], nbg1: [m, h], hel1: [m, h] }) as Record<string, [string, string]>;
const money = (n: number, digits: number) => n.toFixed(digits).padEnd(12, "0");
/** Hetzner's answer: every type the bundled catalog sells at its catalog price, except
 *  cx23 and cpx22 (new prices, cpx22 dearer in the US and Singapore) and ccx33 (no longer
 *  offered); cx22 deprecated with a date; and cx63, which the catalog lacks. */
function offered(without: readonly string[] = []) {
  const catalog = loadCatalog();
  const types = catalog.sizes("het").filter((s) => !s.deprecated && !["cx23", "cpx22", "ccx33", ...without].includes(s.name))
    .map((s, i) => serverType(10 + i, s.name, EU(money(s.monthlyEur, 4), money(s.hourlyEur, 4))));
  return [
    [serverType(1, "cx23", EU("3.4900000000", "0.0056000000")),
      serverType(2, "cpx22", { ...EU("6.4900000000", "0.0104000000"), ash: ["7.9900000000", "0.0128000000"], hil: ["7.9900000000", "0.0128000000"], sin: ["9.4900000000", "0.0152000000"] }),
      ...types.slice(0, 4)],
    [serverType(3, "cx22", EU("3.7900000000", "0.0060000000"), { announced: "2025-10-16T00:00:00+00:00", unavailable_after: "2026-01-01T00:00:00+00:00" }),
      serverType(4, "cx63", EU("29.9900000000", "0.0480000000")), ...types.slice(4)],
  ];
}

let server: Server;
let endpoint: string;
const requests: { url: string; auth: string | undefined; at: number }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url ?? "", auth: req.headers.authorization, at: Date.now() });
    const json = (status: number, body: unknown) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(body)); };
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const page = Number(url.searchParams.get("page") ?? 1);
    const meta = (next: number | null) => ({ pagination: { page, per_page: 50, previous_page: null, next_page: next, last_page: null, total_entries: null } });
    const seen = (path: string) => requests.filter((r) => r.auth === req.headers.authorization && r.url === path).length;
    switch (req.headers.authorization) {
      case "Bearer cut-off":
        res.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
        return void res.write('{"pricing": {"currency": "EU', () => setTimeout(() => res.destroy(), 50));
      case "Bearer not-json":
        return void res.writeHead(200, { "content-type": "application/json" }).end('{"pricing": {"currency": "EUR", ');
      case "Bearer stalls":
        res.writeHead(200, { "content-type": "application/json" });
        return void res.write('{"pricing": ');
      case "Bearer server-error":
        return json(503, { error: { code: "maintenance", message: "the API is under maintenance" } });
      case "Bearer rate-limited-once":
        if (seen(req.url ?? "") === 1) {
          res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
          return void res.end(JSON.stringify({ error: { code: "rate_limit_exceeded", message: "limit of 3600 requests per hour reached" } }));
        }
        break;
      case "Bearer rate-limited":
        res.writeHead(429, { "content-type": "application/json", "retry-after": "0" });
        return void res.end(JSON.stringify({ error: { code: "rate_limit_exceeded", message: "limit of 3600 requests per hour reached" } }));
      case "Bearer same-page":
        if (url.pathname === "/v1/server_types") return json(200, { server_types: [], meta: meta(page) });
        break;
      case "Bearer endless":
        if (url.pathname === "/v1/server_types") return json(200, { server_types: [], meta: meta(page + 1) });
        break;
      case "Bearer endless-rate-limited":
        if (url.pathname === "/v1/server_types") {
          if (seen(req.url ?? "") === 1) return void res.writeHead(429, { "retry-after": "0" }).end();
          return json(200, { server_types: [], meta: meta(page + 1) });
        }
        break;
      case "Bearer comma-price":
        if (url.pathname === "/v1/server_types") {
          const [first] = offered();
          const odd = { ...first![0]!, prices: [{ ...first![0]!.prices[0]!, price_monthly: { net: "3,49", gross: "4,15" } }] };
          return json(200, { server_types: [odd], meta: meta(null) });
        }
        break;
    }
    const pages = ["Bearer test-token", "Bearer rate-limited-once", "Bearer same-page", "Bearer endless", "Bearer endless-rate-limited", "Bearer comma-price"]
      .includes(req.headers.authorization ?? "") ? offered()
      : req.headers.authorization === "Bearer token-without-cpx62" ? offered(["cpx62"]) : undefined;
    if (!pages) return json(401, { error: { code: "unauthorized", message: "unable to authenticate" } });
    if (url.pathname === "/v1/pricing") return json(200, { pricing: { currency: "EUR", vat_rate: "19.00", server_types: [] } });
    if (url.pathname === "/v1/server_types") {
      return json(200, {
        server_types: pages[page - 1] ?? [],
        meta: { pagination: { page, per_page: 50, previous_page: page > 1 ? page - 1 : null, next_page: page < pages.length ? page + 1 : null, last_page: pages.length, total_entries: pages.flat().length } },
      });
    }
    json(404, { error: { code: "not_found", message: "not found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
}));

/** `fleet catalog refresh` in its own process against the local API, on a copy of the catalog. */
function refresh(token: string | undefined, ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "catalog-refresh-"));
  cpSync(join(ROOT, "catalog"), dir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, HCLOUD_ENDPOINT: endpoint, HCLOUD_TOKEN: token };
  if (token === undefined) delete env.HCLOUD_TOKEN;
  return new Promise<{ code: number | null; stdout: string; stderr: string; dir: string }>((resolve) => {
    const child = execFile(join(ROOT, "bin/fleet"), ["--catalog", dir, "catalog", "refresh", ...args], { env }, (_err, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr, dir }));
  });
}

describe("fleet catalog refresh against an API in Hetzner's shape", () => {
  let run: Awaited<ReturnType<typeof refresh>>;
  let text: string;
  beforeAll(async () => {
    requests.length = 0;
    run = await refresh("test-token");
    text = readFileSync(join(run.dir, "sizes.yaml"), "utf8");
  });

  it("reads /v1/pricing and every page of /v1/server_types with the token", () => {
    expect(run.stderr).toMatch(/sizes\.yaml: \d+ changes, prices as of \d{4}-\d{2}-\d{2}$/m);
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.url)).toEqual(["/v1/pricing", "/v1/server_types?page=1&per_page=50", "/v1/server_types?page=2&per_page=50"]);
    expect(requests.every((r) => r.auth === "Bearer test-token")).toBe(true);
  });

  it("writes the net EU price as the base and other locations' prices per location", () => {
    const catalog = loadCatalog(run.dir);
    expect(catalog.size("het", "cx23")).toMatchObject({ monthlyEur: 3.49, hourlyEur: 0.0056, locations: ["fsn1", "nbg1", "hel1"] });
    expect(catalog.size("het", "cpx22")!.locationPrices).toEqual({
      ash1: { monthlyEur: 7.99, hourlyEur: 0.0128 }, hil1: { monthlyEur: 7.99, hourlyEur: 0.0128 }, sin1: { monthlyEur: 9.49, hourlyEur: 0.0152 },
    });
  });

  it("records the date and the source", () => {
    const catalog = loadCatalog(run.dir);
    expect(catalog.prices.asOf).toBe(new Date().toISOString().slice(0, 10));
    expect(catalog.prices.source).toContain("GET /v1/server_types");
  });

  it("marks types Hetzner deprecated or no longer offers, and names new ones it did not add", () => {
    const catalog = loadCatalog(run.dir);
    expect(catalog.size("het", "cx22")!.deprecated).toBe(true);
    expect(catalog.size("het", "ccx33")!.deprecated).toBe(true);
    expect(run.stdout).toContain("ccx33: no longer offered by Hetzner; marked deprecated");
    expect(catalog.size("het", "cpx42")).toMatchObject({ deprecated: false, monthlyEur: loadCatalog().size("het", "cpx42")!.monthlyEur });
    expect(run.stdout).toContain("not in the catalog (add by hand with their capacity): cx63");
    expect(catalog.size("het", "cx63")).toBeUndefined();
  });

  it("keeps the file's comments, and the lines of unchanged sizes byte for byte", () => {
    const before = readFileSync(join(ROOT, "catalog/sizes.yaml"), "utf8");
    const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#"));
    expect(comments(text)).toEqual(comments(before));
    const line = (t: string, name: string) => t.split("\n").find((l) => l.trimStart().startsWith(`${name}:`));
    expect(line(text, "cx32")).toBe(line(before, "cx32"));
    expect(text.split("\n")).toHaveLength(before.split("\n").length);
  });

  it("prices a node by its location: a cpx22 in Ashburn costs the US price", () => {
    const catalog = loadCatalog(run.dir);
    const { fleet } = parseFleet("fleet.yaml", "nodes:\n  prd-sha-het-us-ash1-001: { size: cpx22, image: debian-12 }\n  prd-sha-het-de-fsn1-001: { size: cpx22, image: debian-12 }\n");
    const settings = StackSettingsSchema.parse({ environment: "prd", features: { autoRegistration: false, costTracking: true }, dnsZone: "example.com", cloudflareZoneId: "023e105f4ecef8ad9ca31a8372d0c353", sshSourceCidrs: ["203.0.113.10/32"], panelSourceCidrs: ["203.0.113.10/32"] });
    // The refreshed server prices (6.49, 7.99) plus the node's own Primary IPv4 (0.50, catalog primaryIps).
    expect(planFleet(fleet!, catalog, settings).map((p) => [p.hostname, p.monthlyCostEur])).toEqual([
      ["prd-sha-het-de-fsn1-001", 6.99], ["prd-sha-het-us-ash1-001", 8.49],
    ]);
  });
});

describe("fleet catalog refresh failures change nothing", () => {
  it("exits 1 when the result would not load (a successor no longer offered), leaving sizes.yaml as it was", async () => {
    const run = await refresh("token-without-cpx62");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('replacedBy "cpx62" must name a het size that is not deprecated');
    expect(readFileSync(join(run.dir, "sizes.yaml"), "utf8")).toBe(readFileSync(join(ROOT, "catalog/sizes.yaml"), "utf8"));
  });

  it("exits 2 without a token", async () => {
    const run = await refresh(undefined);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("HCLOUD_TOKEN is not set");
  });

  it("exits 1 when the API refuses the token, leaving sizes.yaml as it was", async () => {
    const run = await refresh("wrong-token");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused the token (401)");
    expect(readFileSync(join(run.dir, "sizes.yaml"), "utf8")).toBe(readFileSync(join(ROOT, "catalog/sizes.yaml"), "utf8"));
  });
});

describe("fleet catalog refresh when the API misbehaves", () => {
  const unchanged = (dir: string) => expect(readFileSync(join(dir, "sizes.yaml"), "utf8")).toBe(readFileSync(join(ROOT, "catalog/sizes.yaml"), "utf8"));
  const calls = (token: string) => requests.filter((r) => r.auth === `Bearer ${token}`);

  it("exits 69, not 70, when the connection closes in the middle of the answer", async () => {
    const run = await refresh("cut-off");
    expect(run.stderr).toContain("GET /pricing: the connection closed before the answer was complete");
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code).toBe(69);
    unchanged(run.dir);
  });

  it("exits 69 when a complete answer is not JSON", async () => {
    const run = await refresh("not-json");
    expect(run.stderr).toContain("GET /pricing: the answer is not complete JSON");
    expect(run.code).toBe(69);
  });

  it("gives up on a body that stops arriving once the request's time is up", async () => {
    const started = Date.now();
    const failure = await fetchHetznerPrices("stalls", endpoint, { timeoutMs: 300 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(HetznerApiError);
    expect((failure as HetznerApiError).message).toBe("GET /pricing: no complete answer within 0.3 s (no answer in time); try again later");
    expect((failure as HetznerApiError).exitCode).toBe(69);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("exits 69 on a server error, quoting the API's own message", async () => {
    const run = await refresh("server-error");
    expect(run.stderr).toContain("GET /pricing answered 503 Service Unavailable: the API is under maintenance (maintenance)");
    expect(run.code).toBe(69);
  });

  // hcloud-python 2.x, hcloud/_client.py Client.request: an answer with error code
  // rate_limit_exceeded is retried up to _retry_max_retries = 5 times after a backoff.
  it("retries a 429 after the Retry-After the API asks for, then goes on", async () => {
    const run = await refresh("rate-limited-once");
    expect(run.code).toBe(0);
    const pricing = calls("rate-limited-once").filter((r) => r.url === "/v1/pricing");
    expect(pricing).toHaveLength(2);
    expect(pricing[1]!.at - pricing[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("stops after five retries of a 429, exiting 69 with the API's words", async () => {
    const run = await refresh("rate-limited");
    expect(run.stderr).toContain(`GET /pricing answered 429 Too Many Requests: limit of 3600 requests per hour reached (rate_limit_exceeded) (still rate limited after ${MAX_RATE_LIMIT_RETRIES} retries)`);
    expect(run.code).toBe(69);
    expect(calls("rate-limited")).toHaveLength(1 + MAX_RATE_LIMIT_RETRIES);
  });

  it("stops when next_page does not advance, naming the page", async () => {
    const run = await refresh("same-page");
    expect(run.stderr).toContain("GET /server_types?page=1&per_page=50: next_page is 1, which does not advance past page 1; stopped paging");
    expect(run.code).toBe(69);
    expect(calls("same-page")).toHaveLength(2);
    unchanged(run.dir);
  });

  it(`stops paging after ${MAX_PAGES} pages`, async () => {
    const run = await refresh("endless");
    expect(run.stderr).toContain(`GET /server_types: more than ${MAX_PAGES} pages of server types`);
    expect(run.code).toBe(69);
    expect(calls("endless")).toHaveLength(1 + MAX_PAGES);
  });

  it(`sends no more than ${REQUEST_BUDGET} requests in one refresh, retries included`, async () => {
    const run = await refresh("endless-rate-limited");
    expect(run.stderr).toContain(`stopped after ${REQUEST_BUDGET} requests, the budget of one refresh`);
    expect(run.code).toBe(69);
    expect(calls("endless-rate-limited")).toHaveLength(REQUEST_BUDGET);
  });

  it("names a price that is no decimal where the API gave it, and changes nothing", async () => {
    const run = await refresh("comma-price");
    expect(run.stderr).toContain("GET /server_types?page=1&per_page=50: unexpected answer: server_types.0.prices.0.price_monthly.net: is not a decimal price");
    expect(run.stderr).not.toMatch(/catalog-refresh-\w+\/sizes\.yaml/);
    expect(run.code).toBe(69);
    unchanged(run.dir);
  });

  it("names the catalog's own sizes.yaml, not a scratch copy, when the result would not load", async () => {
    const run = await refresh("token-without-cpx62");
    expect(run.stderr).toContain(`${join(run.dir, "sizes.yaml")}:`);
    expect(run.stderr.split("\n").filter((l) => l.includes("sizes.yaml:") && !l.startsWith(run.dir))).toEqual([]);
  });
});
