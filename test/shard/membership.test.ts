import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkedLayout, nodesOfStack } from "../../src/shard/membership";
import { readStackFile } from "../../src/stack/stack-file";

const LAYOUT = `  node-fleet:shards:
    byRegion: true
    numbers: [{ from: 1, to: 499 }, { from: 500, to: 999 }]
    active: [prd-fsn1-a]
`;
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A project with Pulumi.prd.yaml carrying the layout and a shard stack file. */
function project(shardLayout: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-shard-"));
  dirs.push(dir);
  const prd = readFileSync("Pulumi.prd.yaml", "utf8");
  writeFileSync(join(dir, "Pulumi.prd.yaml"), prd.replace("config:\n", `config:\n${LAYOUT}`));
  writeFileSync(join(dir, "Pulumi.prd-fsn1-a.yaml"), prd.replace("config:\n", `config:\n${shardLayout}`));
  copyFileSync("fleet.yaml", join(dir, "fleet.yaml"));
  return dir;
}

const plans = ["prd-sha-het-de-fsn1-001", "prd-sha-het-de-fsn1-600", "prd-sha-het-fi-hel1-001"].map((hostname) => ({ hostname }));

describe("shard membership", () => {
  it("gives an active shard's stack its nodes and leaves the rest in the environment's stack", () => {
    const dir = project(LAYOUT);
    const shard = readStackFile(dir, "prd-fsn1-a").stack!;
    const { layout, issues } = checkedLayout(dir, "prd-fsn1-a", shard.settings);
    expect(issues).toEqual([]);
    expect(nodesOfStack(plans, "prd-fsn1-a", "prd", layout).map((p) => p.hostname)).toEqual(["prd-sha-het-de-fsn1-001"]);
    expect(nodesOfStack(plans, "prd", "prd", layout).map((p) => p.hostname)).toEqual(["prd-sha-het-de-fsn1-600", "prd-sha-het-fi-hel1-001"]);
  });

  it("refuses a shard whose layout differs from the environment's", () => {
    const dir = project(LAYOUT.replace("{ from: 1, to: 499 }, { from: 500, to: 999 }", "{ from: 1, to: 999 }"));
    const shard = readStackFile(dir, "prd-fsn1-a").stack!;
    const { layout, issues } = checkedLayout(dir, "prd-fsn1-a", shard.settings);
    expect(layout).toBeUndefined();
    expect(issues.map((i) => i.message)).toEqual(["node-fleet:shards of stack prd-fsn1-a differs from Pulumi.prd.yaml; make them equal (the environment's is the reference)"]);
  });

  it("refuses a shard stack that its layout does not list as active", () => {
    const dir = project(LAYOUT.replace("active: [prd-fsn1-a]", "active: []"));
    const shard = readStackFile(dir, "prd-fsn1-a").stack!;
    expect(checkedLayout(dir, "prd-fsn1-a", shard.settings).issues[0]?.message).toContain("stack prd-fsn1-a is not an active shard");
  });
});
