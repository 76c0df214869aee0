import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { healthCommand } from "../../src/cli/commands/health";
import { DEFAULT_SAFEGUARDS } from "../../src/health/safeguards";
import { fleet } from "../cli/run";
import { bundledCatalog } from "../helpers";

// One node on 127.12.7.1, where nothing listens: every round is quick and unhealthy.
const ROOT = join(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "fleet-health-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "fleet.yaml"), "nodes:\n  prd-sha-het-de-fsn1-001: { size: cpx22, image: debian-12 }\n");
copyFileSync(join(ROOT, "Pulumi.prd.yaml"), join(dir, "Pulumi.prd.yaml"));
writeFileSync(join(dir, "targets.json"), JSON.stringify({ "prd-sha-het-de-fsn1-001": { address: "127.12.7.1", created: "2026-01-01T00:00:00Z" } }));
const health = (stateDir: string) => fleet("health", "--stack", "prd", "--project", dir, "--targets", join(dir, "targets.json"), "--state-dir", stateDir, "--timeout", "1");

describe("a health state directory that cannot be one is operator input (exit 1), not an internal error", () => {
  it("is refused when the path is a file", async () => {
    writeFileSync(join(dir, "a-file"), "");
    const run = await health(join(dir, "a-file"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`fleet health: health state directory ${join(dir, "a-file", "prd")} is unusable: a part of its path is a file, not a directory (ENOTDIR); fix it or give another --state-dir`);
  });

  it("is refused when the path is a dangling link", async () => {
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    const run = await health(join(dir, "dangling"));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fleet health: health state directory .*dangling\/prd is unusable: .*; fix it or give another --state-dir$/);
  });

  it("is refused when state.json is a directory", async () => {
    mkdirSync(join(dir, "holds-dir", "prd", "state.json"), { recursive: true });
    const run = await health(join(dir, "holds-dir"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is unusable: a directory is where one of its files should be (EISDIR)");
  });
});

describe("fleet health --watch stopped during a round", () => {
  it("ends after that round instead of waiting out the interval", async () => {
    let signalled = false;
    const started = Date.now();
    const code = await healthCommand({ out: () => undefined, err: (line) => {
      if (!signalled && line.startsWith("watching stack")) { signalled = true; process.emit("SIGTERM"); }
    } }, bundledCatalog(), { stack: "prd", projectDir: dir, targets: join(dir, "targets.json"), stateDir: join(dir, "watch"), json: true, watch: true,
      intervalSeconds: 600, heal: false, timeoutSeconds: 1, concurrency: 4, certDays: 14, safeguards: DEFAULT_SAFEGUARDS });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("the targets file", () => {
  const targets = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return fleet("health", "--stack", "prd", "--project", dir, "--targets", join(dir, name), "--state-dir", join(dir, "t"), "--timeout", "1");
  };

  it("refuses a hostname listed twice, naming both lines", async () => {
    const run = await targets("twice.json", '{\n "prd-sha-het-de-fsn1-001": {"address": "127.12.7.1"},\n "prd-sha-het-de-fsn1-001": {"address": "127.12.7.2"}\n}\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('twice.json:3:2: error: duplicate key "prd-sha-het-de-fsn1-001" on lines 2 and 3');
  });

  it("refuses an entry naming no node of the stack", async () => {
    const run = await targets("stranger.json", JSON.stringify({ "prd-sha-het-de-fsn1-001": { address: "127.12.7.1" }, "prd-sha-het-de-fsn1-009": { address: "127.12.7.9" } }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"prd-sha-het-de-fsn1-009" is not a node of stack prd');
  });

  it.each(["127.0.0.1:2222", "[::1]", "node.example.com"])("refuses the address %s, which is no IP address", async (address) => {
    const run = await targets("port.json", JSON.stringify({ "prd-sha-het-de-fsn1-001": { address } }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("prd-sha-het-de-fsn1-001.address: must be an IPv4 or IPv6 address, without a port or brackets");
  });
});
