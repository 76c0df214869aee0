import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "fleet-control-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built `bin/fleet` in its own process, as a terminal would receive its output. */
function fleet(...args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, "bin/fleet"), ...args], { cwd: dir, encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Anything that acts on a terminal rather than showing itself (line feeds end lines). */
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

function fleetFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("control characters written as YAML escapes", () => {
  it("are refused in a hostname, naming the line, and echoed escaped (a PR's fleet file cannot retitle the reviewer's terminal)", () => {
    const file = fleetFile("hostname.yaml", 'nodes:\n  "prd-sha-het-de-fsn1-001\\e]0;pwned\\a": { size: cpx22 }\n');
    const run = fleet("validate", file);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain(`hostname.yaml:2:3: error: key "prd-sha-het-de-fsn1-001\\x1b]0;pwned\\x07" holds control character U+001B; remove it`);
  });

  it("are refused in a field name and a label value", () => {
    const file = fleetFile("fields.yaml", 'nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cpx22\n    "\\0image": debian-12\n    labels: { team: "a\\eb" }\n');
    const run = fleet("validate", file);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain(`fields.yaml:4:5: error: key "\\x00image" holds control character U+0000`);
    expect(run.stderr).toContain(`fields.yaml:5:21: error: value "a\\x1bb" holds control character U+001B`);
  });

  it("are refused in a displayName, a line break included", () => {
    const file = fleetFile("display.yaml", 'nodes:\n  prd-sha-het-de-fsn1-001: { size: cpx22, displayName: "Main\\nfleet.yaml:1:1: ok" }\n');
    const run = fleet("validate", file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("a display name is one line of printable text");
    expect(run.stderr.split("\n").filter((l) => l.includes("fleet.yaml:1:1: ok"))).toHaveLength(0);
  });
});

describe("fleet add --display-name with control characters", () => {
  it("exits 1 and writes nothing", () => {
    const text = "nodes:\n  prd-sha-het-de-fsn1-001: { size: cpx22, image: debian-12 }\n";
    const file = fleetFile("add.yaml", text);
    const run = fleet("add", "--env", "prd", "--region", "fsn1", "--size", "cpx22", "--display-name", "\x1b[2JShop", "--fleet", file);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain('fleet add: prd-sha-het-de-fsn1-002: value "\\x1b[2JShop" holds control character U+001B');
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});
