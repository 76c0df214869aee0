import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main";
import { fleet, scratchProject } from "../cli/run";
import { certificate, hostKey, startFakeNodes } from "../health/fake-nodes";
import { parseExposition, valueOf } from "./exposition";

// `fleet health --watch --metrics-port 0` in this process against stand-in nodes on
// 127.12.21.0/24: 001 answers every check, 002 hangs. Prometheus's side is a plain
// HTTP GET of /metrics, parsed by the strict exposition reader.
const ROOT = join(__dirname, "../..");
const key = hostKey();
const FLEET = "defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: { image: debian-12 }\n  prd-sha-het-de-fsn1-002: { image: debian-12 }\n";
const created = "2026-01-01T00:00:00Z";
let project: ReturnType<typeof scratchProject>;
let state: string;
let stop: () => Promise<void>;
const args = () => ["health", "--stack", "prd", "--project", project.dir, "--targets", join(project.dir, "targets.json"), "--state-dir", state, "--timeout", "1"];

beforeAll(async () => {
  project = scratchProject({ "Pulumi.prd.yaml": join(ROOT, "Pulumi.prd.yaml") });
  writeFileSync(join(project.dir, "fleet.yaml"), FLEET);
  writeFileSync(join(project.dir, "targets.json"), JSON.stringify({
    "prd-sha-het-de-fsn1-001": { address: "127.12.21.1", hostKey: key.line, created },
    "prd-sha-het-de-fsn1-002": { address: "127.12.21.2", hostKey: key.line, created },
  }));
  state = mkdtempSync(join(tmpdir(), "fleet-metrics-"));
  ({ stop } = await startFakeNodes([{ address: "127.12.21.1", hostKey: key, cert: certificate(90) }, { address: "127.12.21.2", mode: "hang" }]));
});
afterAll(async () => {
  await stop();
  project.cleanup();
  rmSync(state, { recursive: true, force: true });
});

describe("fleet health --watch --metrics-port", () => {
  it("serves the rounds' metrics at /metrics on 127.0.0.1 until stopped", async () => {
    const err: string[] = [];
    let announced: (url: string) => void;
    const url = new Promise<string>((r) => { announced = r; });
    const watching = main([...args(), "--watch", "--interval", "5", "--metrics-port", "0"], {
      out: () => undefined,
      err: (line) => { err.push(line); const m = /^metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)$/.exec(line); if (m) announced(m[1]!); },
    });
    const endpoint = await url;
    let text = "";
    for (let i = 0; i < 100 && !/^node_fleet_health_rounds_total 1$/m.test(text); i++) {
      text = await (await fetch(endpoint)).text();
      if (!/^node_fleet_health_rounds_total 1$/m.test(text)) await new Promise((r) => setTimeout(r, 100));
    }
    const m = parseExposition(text);
    expect(valueOf(m, "node_fleet_node_up", { node: "prd-sha-het-de-fsn1-001" })).toBe(1);
    expect(valueOf(m, "node_fleet_node_up", { node: "prd-sha-het-de-fsn1-002" })).toBe(0);
    expect(valueOf(m, "node_fleet_tls_certificate_expiry_seconds", { node: "prd-sha-het-de-fsn1-001", port: "443" })).toBe(89 * 86_400);
    expect(valueOf(m, "node_fleet_check_success", { node: "prd-sha-het-de-fsn1-002", check: "ssh" })).toBe(0);
    expect((await fetch(endpoint, { method: "POST" })).status).toBe(405);
    expect((await fetch(endpoint.replace("/metrics", "/"))).status).toBe(404);
    process.emit("SIGTERM");
    expect(await watching).toBe(0);
    await expect(fetch(endpoint)).rejects.toThrow();
  });

  it("refuses --metrics-port without --watch (exit 2)", async () => {
    const run = await fleet(...args(), "--metrics-port", "9464");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("fleet health: --metrics-port needs --watch (metrics describe the rounds a watch runs)");
  });

  it("refuses a metrics port that is taken, in one line", async () => {
    const { createServer } = await import("node:net");
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    const run = await fleet(...args(), "--watch", "--metrics-port", String(port));
    taken.close();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`fleet health: port ${port} on 127.0.0.1 is in use; give another --metrics-port`);
  });
});
