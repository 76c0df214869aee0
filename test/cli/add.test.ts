import { spawn } from "node:child_process";
import { chmodSync, chownSync, lstatSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { insertNode } from "../../src/fleet/add-node";
import { addedLines } from "../fleet/added-lines";
import { FIXTURES } from "../helpers";
import { fleet, scratchProject } from "./run";

const ROOT = join(__dirname, "../..");
let cleanup = () => {};
afterEach(() => cleanup());

function project(fleetFile = join(ROOT, "fleet.yaml")) {
  const p = scratchProject({ "fleet.yaml": fleetFile, "Pulumi.prd.yaml": join(ROOT, "Pulumi.prd.yaml") });
  cleanup = p.cleanup;
  return { dir: p.dir, file: join(p.dir, "fleet.yaml"), text: () => readFileSync(join(p.dir, "fleet.yaml"), "utf8") };
}

const ADD = ["add", "--env", "prd", "--region", "fsn1", "--size", "cpx22"];

/** Runs the built `bin/fleet` as its own process. */
function fleetProcess(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/fleet"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("fleet add", () => {
  it("appends the next node, prints hostname and FQDN, and keeps comments", async () => {
    const p = project();
    const run = await fleet("add", "--env", "prd", "--region", "fsn1", "--size", "cpx42", "--display-name", "Third", "--fleet", p.file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("hostname: prd-sha-het-de-fsn1-003");
    expect(run.stdout).toContain("fqdn:     prd-sha-het-de-fsn1-003.infra.example.com");
    expect(p.text()).toContain("  prd-sha-het-de-fsn1-003:\n    size: cpx42\n    displayName: Third\n");
    expect(p.text()).toContain("# Staging mirrors production's sizes at a smaller scale.");
    expect((await fleet("validate", p.file)).stdout).toContain("6 nodes valid");
  });

  it("refuses a deprecated size and writes nothing", async () => {
    const p = project();
    const before = p.text();
    const run = await fleet("add", "--env", "prd", "--region", "fsn1", "--size", "cpx21", "--fleet", p.file);
    expect(run).toEqual(expect.objectContaining({ code: 1, stderr: 'fleet add: size "cpx21" is deprecated and can no longer be ordered; use cpx22' }));
    expect(p.text()).toBe(before);
  });

  it("refuses a size not sold in the region and writes nothing", async () => {
    const p = project();
    const before = p.text();
    const run = await fleet("add", "--env", "prd", "--region", "ash", "--size", "cx23", "--fleet", p.file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('fleet add: prd-sha-het-us-ash1-001: size "cx23" is not sold in ash1 (Ashburn)');
    expect(p.text()).toBe(before);
    expect(readdirSync(p.dir).sort()).toEqual(["Pulumi.prd.yaml", "fleet.yaml"]);
  });

  it("refuses to add to a fleet that already has errors", async () => {
    const p = project(join(FIXTURES, "fleet", "country-mismatch.yaml"));
    const before = p.text();
    const run = await fleet("add", "--env", "prd", "--region", "fsn1", "--size", "cpx22", "--fleet", p.file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("has errors; fix them first (nothing was written)");
    expect(p.text()).toBe(before);
  });

  it("prints only the new file on stdout on --dry-run, the summary on stderr, and writes nothing", async () => {
    const p = project();
    const before = p.text();
    const run = await fleet("add", "--env", "prd", "--region", "hel1", "--size", "cx33", "--fleet", p.file, "--dry-run");
    const expected = insertNode(before, "prd-sha-het-fi-hel1-002", { size: "cx33", image: "debian-12" });
    expect(`${run.stdout}\n`).toBe("text" in expected ? expected.text : "");
    expect(run.stderr).toBe("hostname: prd-sha-het-fi-hel1-002\nfqdn:     prd-sha-het-fi-hel1-002.infra.example.com\ndry run: nothing was written");
    expect(p.text()).toBe(before);
  });

  it("exits 1 on a missing fleet file and creates nothing", async () => {
    const p = project();
    const missing = join(p.dir, "other.yaml");
    const run = await fleet(...ADD, "--fleet", missing);
    expect(run).toEqual(expect.objectContaining({ code: 1,
      stderr: `${missing}:1:1: error: cannot read fleet file: no such file\nfleet add: nothing was written` }));
    expect(readdirSync(p.dir).sort()).toEqual(["Pulumi.prd.yaml", "fleet.yaml"]);
  });

  it("exits 1 when the region has no number left", async () => {
    const p = project();
    writeFileSync(p.file, "nodes:\n  prd-sha-het-de-fsn1-999:\n    size: cpx22\n    image: debian-12\n");
    const run = await fleet(...ADD, "--fleet", p.file);
    expect(run).toEqual(expect.objectContaining({ code: 1, stderr: "fleet add: no number left for prd-sha-het-de-fsn1: 999 is in use" }));
  });

  it("keeps the file's mode and owner", async () => {
    const p = project();
    chmodSync(p.file, 0o600);
    chownSync(p.file, 4321, 4322);
    expect((await fleet(...ADD, "--fleet", p.file)).code).toBe(0);
    expect(statSync(p.file)).toEqual(expect.objectContaining({ mode: 0o100600, uid: 4321, gid: 4322 }));
  });

  it("writes through a symlink to its target and keeps the link", async () => {
    const p = project();
    renameSync(p.file, join(p.dir, "real-fleet.yaml"));
    symlinkSync("real-fleet.yaml", p.file);
    expect((await fleet(...ADD, "--fleet", p.file)).code).toBe(0);
    expect(lstatSync(p.file).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(p.dir, "real-fleet.yaml"), "utf8")).toContain("  prd-sha-het-de-fsn1-003:\n    size: cpx22\n");
  });

  it("refuses a read-only file and writes nothing", async () => {
    const p = project();
    chmodSync(p.file, 0o444);
    const before = p.text();
    const run = await fleet(...ADD, "--fleet", p.file);
    expect(run).toEqual(expect.objectContaining({ code: 1,
      stderr: `fleet add: cannot write ${p.file}: ${p.file} is read-only (mode 0444); make it writable first (nothing was written)` }));
    expect(p.text()).toBe(before);
    expect(readdirSync(p.dir).sort()).toEqual(["Pulumi.prd.yaml", "fleet.yaml"]);
  });

  it("refuses a file that is not UTF-8, naming the position, and writes nothing", async () => {
    const p = project();
    const before = Buffer.concat([Buffer.from("nodes:\n  prd-sha-het-de-fsn1-001:\n    displayName: Caf"), Buffer.from([0xe9]), Buffer.from("\n    size: cpx22\n")]);
    writeFileSync(p.file, before);
    const run = await fleet(...ADD, "--fleet", p.file);
    expect(run).toEqual(expect.objectContaining({ code: 1, stderr:
      `${p.file}:3:21: error: the file is not UTF-8: byte 0xE9 (file offset 54) is not valid here; save the file as UTF-8\nfleet add: nothing was written` }));
    expect(readFileSync(p.file)).toEqual(before);
  });

  it("changes nothing but the inserted lines of a CRLF file with a BOM, 4-space indentation, flow maps and folded text", async () => {
    const p = project();
    const before = "\uFEFF# fleet\r\ndefaults:\r\n    size: cpx22\r\nnodes:\r\n    prd-sha-het-de-fsn1-001:\r\n        displayName: >-\r\n" +
      "            Main production\r\n            server\r\n        image: debian-12\r\n        labels: {team: web,   tier: gold}\r\n    stg-sha-het-de-fsn1-001: { size: cx23, image: debian-12 }\r\n";
    writeFileSync(p.file, before);
    expect((await fleet(...ADD, "--fleet", p.file)).code).toBe(0);
    expect(addedLines(before, p.text())).toEqual(["    prd-sha-het-de-fsn1-002:\r", "        size: cpx22\r", "        image: debian-12\r"]);
  });

  it.each(["alias-bomb.yaml", "multi-document.yaml", "binary.yaml", "merge-key.yaml", "second-nodes.yaml", "yaml-1.1.yaml",
    "undefined-alias.yaml", "control-character.yaml"])(
    "refuses %s with positioned lines, exit 1, no stack trace and nothing written", async (name) => {
      const p = project(join(FIXTURES, "hostile", name));
      const before = p.text();
      const run = await fleetProcess([...ADD, "--fleet", p.file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^${p.file}:\\d+:\\d+: error: .+\\nfleet add: ${p.file} has errors; fix them first \\(nothing was written\\)\\n$`));
      expect(p.text()).toBe(before);
      expect(readdirSync(p.dir).sort()).toEqual(["Pulumi.prd.yaml", "fleet.yaml"]);
    });

  it("serialises parallel runs: every process adds its own node under the name it prints", async () => {
    const p = project();
    const runs = await Promise.all(Array.from({ length: 8 }, () => fleetProcess([...ADD, "--fleet", p.file])));
    expect(runs.map((r) => r.code)).toEqual(Array(8).fill(0));
    const printed = runs.map((r) => /^hostname: (\S+)$/m.exec(r.stdout)?.[1]).sort();
    expect(printed).toEqual(Array.from({ length: 8 }, (_, i) => `prd-sha-het-de-fsn1-${String(i + 3).padStart(3, "0")}`));
    for (const hostname of printed) expect(p.text()).toContain(`  ${hostname}:\n    size: cpx22\n`);
    expect((await fleet("validate", p.file)).stdout).toContain("13 nodes valid");
    expect(readdirSync(p.dir).sort()).toEqual(["Pulumi.prd.yaml", "fleet.yaml"]);
  }, 120_000);
});
