import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardCommand } from "../../src/cli/commands/dashboard";
import { CSP } from "../../src/dashboard/assets";
import { buildDashboard, type DashboardModel } from "../../src/dashboard/model";
import { serveDashboard, type DashboardServer } from "../../src/dashboard/server";
import { writeSite } from "../../src/dashboard/site";
import { readSources } from "../../src/dashboard/sources";
import type { NodeRecord } from "../../src/health/model";
import { bundledCatalog } from "../helpers";
import { A, B, HOSTILE_NAME, M, makeFixture, OUTPUTS, type Fixture } from "./fixture";

// `fleet dashboard` in this process on 127.0.0.1, opened in Debian's Chromium through
// puppeteer-core. Screenshots and the 10,000-node figures go to test-artifacts/dashboard/.
const ARTIFACTS = join(__dirname, "../../test-artifacts/dashboard");
let fixture: Fixture;
let browser: Browser;
let url: string;
let running: Promise<number>;

async function open(address: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warn") errors.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`pageerror: ${(e as Error).message}`));
  page.on("requestfailed", (r) => errors.push(`requestfailed: ${r.url()}`));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(address, { waitUntil: "load" });
  return { page, errors };
}

/** The browser globals the page scripts below use (this project compiles without the DOM library). */
interface Frames {
  requestAnimationFrame(run: () => void): void;
  document: { getElementById(id: string): { lastElementChild: { textContent: string | null } | null } };
}

/** The hostnames of the tiles on screen (the grid draws only what matches and is in view). */
const visibleTiles = (page: Page) => page.$$eval("#tiles > a", (as) => as.map((a) => a.textContent));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fixture = makeFixture();
  let announced: (u: string) => void;
  const ready = new Promise<string>((r) => { announced = r; });
  running = dashboardCommand({ out: () => undefined, err: (l) => { const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(l); if (m) announced(m[1]!); } },
    bundledCatalog(), { stack: "prd", projectDir: fixture.dir, stateDir: fixture.stateDir, host: "127.0.0.1", port: 0, refreshSeconds: 60 },
    async () => OUTPUTS, { NODE_FLEET_AUDIT_FILE: fixture.auditFile });
  url = await ready;
  browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  process.emit("SIGTERM");
  await running;
  fixture.cleanup();
});

describe("fleet dashboard in Chromium", () => {
  it("loads the list without console errors, with the overview cards and a tile per node", async () => {
    const { page, errors } = await open(url);
    await page.screenshot({ path: join(ARTIFACTS, "list.png"), fullPage: true });
    expect(errors).toEqual([]);
    const cards = await page.$$eval(".card b", (bs) => bs.map((b) => b.textContent));
    expect(cards).toEqual(["3", "1", "0", "1", "1", expect.stringMatching(/^€\d/)]);
    expect(await visibleTiles(page)).toEqual([A, B, M]);
    expect(await page.$eval(`#tiles > a[href="nodes/${B}.html"]`, (a) => a.className)).toBe("h-down");
    await page.close();
  });

  it("filters by status and country and searches by name", async () => {
    const { page } = await open(url);
    await page.select('select[data-filter="health"]', "down");
    expect(await visibleTiles(page)).toEqual([B]);
    await page.select('select[data-filter="health"]', "");
    await page.select('select[data-filter="country"]', "fi");
    expect(await visibleTiles(page)).toEqual([M]);
    await page.select('select[data-filter="country"]', "");
    await page.type("#q", "second shared");
    expect(await visibleTiles(page)).toEqual([B]);
    expect(await page.$eval("#shown", (s) => s.textContent)).toBe("1 of 3 shown");
    expect(new URL(page.url()).hash).toBe("#q=second+shared");
    await page.close();
  });

  it("keeps the filters across a reload", async () => {
    const { page } = await open(`${url}#health=maintenance`);
    expect(await visibleTiles(page)).toEqual([M]);
    await page.close();
  });

  it("shows on a node's page what the plan, outputs, health, backups, audit log and cost hold, and the commands", async () => {
    const { page, errors } = await open(url);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`#tiles > a[href="nodes/${A}.html"]`)]);
    await page.screenshot({ path: join(ARTIFACTS, "node.png"), fullPage: true });
    const text = await page.$eval("body", (b) => b.innerText);
    expect(errors).toEqual([]);
    expect(text).toContain("203.0.113.10");
    expect(text).toContain("2001:db8::10");
    expect(text).toMatch(/server id\s+4711/);
    expect(text).toMatch(/host key\s+SHA256:[A-Za-z0-9+/]{43}/);
    expect(text).toMatch(/size\s+cpx22/);
    expect(text).toMatch(/protection\s+protected/);
    expect(text).toContain("last off-node backup 3.2 h ago (snapshot 1a2b3c4d)");
    const phases = await page.$$eval("#phases tr", (rows) => rows.slice(1).map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
    expect(phases.slice(0, 4).map((p) => [p[0], p[1], p[3]])).toEqual([
      ["Server created", "succeeded", "35 s"], ["DNS configured", "succeeded", "12 s"], ["Base system configured", "succeeded", "188 s"],
      ["Panel installed", "failed", "480 s"]]);
    expect(await page.$eval("#log", (p) => p.textContent)).toContain("2026-11-20T08:12:00.000Z phase.failed panelInstalled 480s apt: unable to fetch virtualmin");
    expect(text).toMatch(/server created\s+2026-11-20 08:00:40 UTC/);
    expect(text).toMatch(/to date\s+€\d+\.\d\d/);
    expect(await page.$eval("#commands", (p) => p.textContent)).toContain(`fleet rebuild ${A} --stack prd`);
    await page.close();
  });

  it("shows an open incident with its recovery attempts", async () => {
    const { page } = await open(`${url}nodes/${B}.html`);
    const incident = await page.$eval("#incident", (d) => (d as unknown as { innerText: string }).innerText);
    expect(incident).toContain(`${B}@2026-12-03T09:40:00.000Z`);
    expect(incident).toMatch(/reprovision\s+2026-12-03 09:45:00 UTC\s+failed\s+ssh: timed out/);
    await page.close();
  });

  it("renders a hostile display name and a hostile health answer as text that runs nothing", async () => {
    for (const path of ["", `nodes/${A}.html`, `nodes/${B}.html`]) {
      const { page, errors } = await open(`${url}${path}`);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.$$eval("img, #injected", (els) => els.length)).toBe(0);
      // The list's tiles travel in a JSON data block, which is a script element the browser never runs.
      expect(await page.$$eval("script", (ss) => ss.map((s) => [s.getAttribute("src"), s.getAttribute("type")])))
        .toEqual(path === "" ? [["dashboard.js", null], [null, "application/json"]] : [["../dashboard.js", null]]);
      expect(errors).toEqual([]);
      await page.close();
    }
    const list = await open(url);
    expect(await list.page.$eval(`#tiles > a[href="nodes/${A}.html"]`, (a) => a.getAttribute("title"))).toBe(`${HOSTILE_NAME} · 203.0.113.10 · ok`);
    await list.page.close();
    const { page } = await open(`${url}nodes/${A}.html`);
    expect(await page.$eval("p.muted", (p) => p.textContent)).toContain(HOSTILE_NAME);
    await page.close();
  });
});

describe("the dashboard's answers", () => {
  it("carry the strict policy on every response, pages, files, errors and refusals alike", async () => {
    for (const [path, method, status] of [["", "GET", 200], [`nodes/${A}.html`, "GET", 200], ["dashboard.js", "GET", 200], ["nope", "GET", 404], ["", "POST", 405]] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect([path, res.status]).toEqual([path, status]);
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'; frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("carry the policy on the token's refusals and redirect, and when the sources cannot be read", async () => {
    const server = await serveDashboard({ host: "127.0.0.1", port: 0, token: "t0ken-of-32-characters-or-so-xyz", refreshSeconds: 60,
      load: () => Promise.reject(new Error("state.json: unexpected end of JSON input")) });
    try {
      const answers = [await fetch(server.url), await fetch(`${server.url}?token=t0ken-of-32-characters-or-so-xyz`, { redirect: "manual" }),
        await fetch(server.url, { headers: { authorization: "Bearer t0ken-of-32-characters-or-so-xyz" } })];
      expect(answers.map((r) => r.status)).toEqual([401, 303, 500]);
      expect(answers.map((r) => r.headers.get("content-security-policy"))).toEqual(Array(3).fill(CSP));
    } finally {
      await server.close();
    }
  });

  it("make an HTML sink throw in the page itself: no string becomes markup, whatever a script does", async () => {
    const { page } = await open(url);
    const outcome = await page.evaluate(() => {
      const body = (globalThis as unknown as { document: { body: { insertAdjacentHTML(where: string, markup: string): void } } }).document.body;
      try { body.insertAdjacentHTML("beforeend", "<b id=injected>"); return "inserted"; } catch (e) { return (e as Error).name; }
    });
    expect(outcome).toBe("TypeError");
    expect(await page.$$eval("#injected", (els) => els.length)).toBe(0);
    await page.close();
  });

  it("refuses to bind beyond loopback without a token (exit 2), before reading any source", async () => {
    const err: string[] = [];
    const code = await dashboardCommand({ out: () => undefined, err: (l) => err.push(l) }, bundledCatalog(),
      { stack: "prd", projectDir: fixture.dir, stateDir: fixture.stateDir, host: "0.0.0.0", port: 0, refreshSeconds: 60 }, async () => OUTPUTS, {});
    expect(code).toBe(2);
    expect(err).toEqual(["fleet dashboard: refusing to serve on 0.0.0.0 without a token: anyone who reaches it would see the fleet; " +
      "set FLEET_DASHBOARD_TOKEN or bind to 127.0.0.1"]);
  });

  it("asks for the token when one is set, takes it as a bearer or once from the address into a cookie", async () => {
    const model = buildDashboard(await readSources({ stack: "prd", projectDir: fixture.dir, catalog: bundledCatalog(), healthDir: join(fixture.stateDir, "prd"),
      auditFiles: [], outputs: async () => OUTPUTS }), new Date());
    const server = await serveDashboard({ host: "127.0.0.1", port: 0, token: "t0ken-of-32-characters-or-so-xyz", refreshSeconds: 60, load: async () => model });
    try {
      expect((await fetch(server.url)).status).toBe(401);
      expect((await fetch(server.url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect((await fetch(server.url, { headers: { authorization: "Bearer t0ken-of-32-characters-or-so-xyz" } })).status).toBe(200);
      const login = await fetch(`${server.url}?token=t0ken-of-32-characters-or-so-xyz`, { redirect: "manual" });
      expect([login.status, login.headers.get("location")]).toEqual([303, "/"]);
      const cookie = login.headers.get("set-cookie")!;
      expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
      expect((await fetch(server.url, { headers: { cookie: cookie.split(";")[0]! } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("fleet dashboard --out", () => {
  it("writes the list, a page per node and the two assets, which open from disk without console errors", async () => {
    const out = mkdtempSync(join(tmpdir(), "fleet-dashboard-out-"));
    try {
      const code = await dashboardCommand({ out: () => undefined, err: () => undefined }, bundledCatalog(),
        { stack: "prd", projectDir: fixture.dir, stateDir: fixture.stateDir, host: "127.0.0.1", port: 0, refreshSeconds: 60, out },
        async () => OUTPUTS, { NODE_FLEET_AUDIT_FILE: fixture.auditFile });
      expect(code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(["dashboard.css", "dashboard.js", "favicon.svg", "index.html", "nodes"]);
      expect(readdirSync(join(out, "nodes")).sort()).toEqual([`${A}.html`, `${B}.html`, `${M}.html`]);
      const { page, errors } = await open(`file://${join(out, "index.html")}`);
      expect(await visibleTiles(page)).toEqual([A, B, M]);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("a 10,000-node fleet", () => {
  let model: DashboardModel;
  let server: DashboardServer;
  let page: Page;
  let errors: string[];
  let bytes: number;

  beforeAll(async () => {
    const sources = await readSources({ stack: "prd", projectDir: fixture.dir, catalog: bundledCatalog(), healthDir: join(fixture.stateDir, "prd"),
      auditFiles: [fixture.auditFile], outputs: async () => OUTPUTS });
    const states: NodeRecord["state"][] = ["ready", "ready", "ready", "failing", "error", "pending_setup"];
    const plans = Array.from({ length: 10_000 }, (_, i) => ({ ...sources.plans[i % 2]!, hostname: `prd-sha-het-de-fsn1-${String(i + 1).padStart(5, "0")}`,
      displayName: `Shared host ${i + 1}` }));
    const records = plans.map((p, i): NodeRecord => ({ hostname: p.hostname, state: states[i % states.length]!, generation: 0, graceUntil: 0,
      consecutiveFailures: 0, lastCheckAt: Date.now(), history: [], actions: [] }));
    model = buildDashboard({ ...sources, plans, records }, new Date());
    server = await serveDashboard({ host: "127.0.0.1", port: 0, refreshSeconds: 60, load: async () => model });
    page = await browser.newPage();
    errors = [];
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warn") errors.push(m.text()); });
    await page.setViewport({ width: 1280, height: 900 });
    // The bytes the network delivered for the page and its files, from the browser's own
    // accounting (Network.loadingFinished's encodedDataLength), headers included.
    bytes = 0;
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
    await page.goto(server.url, { waitUntil: "load" });
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it("is on screen within 1 s of the navigation's start, by the browser's own clock", async () => {
    // Navigation timing starts when the browser begins the navigation, so the request, the
    // server's rendering, the transfer, parsing, the script and the first frame after the
    // load event are all inside the figure, and the test's own pace is not.
    const figures = await page.evaluate(() => new Promise<{ responseStart: number; responseEnd: number; loadEventEnd: number; painted: number }>((done) =>
      (globalThis as unknown as Frames).requestAnimationFrame(() => setTimeout(() => {
        const n = performance.getEntriesByType("navigation" as never)[0] as unknown as { responseStart: number; responseEnd: number; loadEventEnd: number };
        done({ responseStart: n.responseStart, responseEnd: n.responseEnd, loadEventEnd: n.loadEventEnd, painted: performance.now() });
      }, 0))));
    writeFileSync(join(ARTIFACTS, "fleet-10000.json"), `${JSON.stringify({ nodes: 10_000, bytes,
      ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${k}Ms`, Math.round(v)])) }, null, 1)}\n`);
    await page.screenshot({ path: join(ARTIFACTS, "fleet-10000.png") });
    expect(figures.loadEventEnd).toBeGreaterThan(0);
    expect(figures.painted).toBeLessThan(1000);
  });

  it("weighs under 5 MB, the data of every tile included", () => {
    expect(bytes).toBeGreaterThan(10_000 * 60);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
  });

  it("counts every node, draws the first rows without console errors, and the last after scrolling to them", async () => {
    expect(await page.$eval("#shown", (s) => s.textContent)).toBe("10000 of 10000 shown");
    const first = await visibleTiles(page);
    expect(first.slice(0, 2)).toEqual(["prd-sha-het-de-fsn1-00001", "prd-sha-het-de-fsn1-00002"]);
    expect(first.length).toBeLessThan(1_000);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 1e7));
    await page.waitForFunction(() => (globalThis as unknown as Frames).document.getElementById("tiles").lastElementChild?.textContent === "prd-sha-het-de-fsn1-10000");
    expect(await page.$eval("#tiles > a:last-child", (a) => [a.getAttribute("href"), a.className])).toEqual(["nodes/prd-sha-het-de-fsn1-10000.html", "h-failing"]);
    expect(errors).toEqual([]);
  });

  it("searches ten thousand tiles", async () => {
    await page.type("#q", "00042");
    expect(await visibleTiles(page)).toEqual(["prd-sha-het-de-fsn1-00042"]);
    expect(await page.$eval("#shown", (s) => s.textContent)).toBe("1 of 10000 shown");
  });
});
