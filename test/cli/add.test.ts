import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { insertNode } from "../../src/fleet/add-node";
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
    const expected = insertNode(before, "prd-sha-het-fi-hel1-002", { size: "cx33" });
    expect(`${run.stdout}\n`).toBe("text" in expected ? expected.text : "");
    expect(run.stderr).toBe("hostname: prd-sha-het-fi-hel1-002\nfqdn:     prd-sha-het-fi-hel1-002.infra.example.com\ndry run: nothing was written");
    expect(p.text()).toBe(before);
  });
});
