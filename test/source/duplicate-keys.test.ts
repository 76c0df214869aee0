import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_DIR, readCatalog } from "../../src/catalog/load";
import { readStackFile } from "../../src/stack/stack-file";
import { validateText } from "../helpers";

const ROOT = join(__dirname, "../..");
const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "dup-keys-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file node-fleet reads goes through one loader, so each kind refuses a repeated key. */
describe("duplicate keys in every file we read", () => {
  it("fleet file: a second nodes: block is an error naming both lines", () => {
    const issues = validateText("nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cpx22\nnodes:\n  prd-sha-het-de-fsn1-002:\n    size: cpx22\n");
    expect(issues).toContainEqual(expect.objectContaining({ line: 4, col: 1, severity: "error",
      message: 'duplicate key "nodes" on lines 1 and 4; YAML would silently keep only the last one' }));
  });

  it("fleet file: a repeated hostname is an error naming both lines", () => {
    const issues = validateText("nodes:\n  prd-sha-het-de-fsn1-001:\n    size: cpx22\n    image: debian-12\n  prd-sha-het-de-fsn1-001:\n    size: cpx32\n    image: debian-12\n");
    expect(issues).toEqual([expect.objectContaining({ line: 5, col: 3, code: "duplicate-key",
      message: 'duplicate key "prd-sha-het-de-fsn1-001" in nodes on lines 2 and 5; YAML would silently keep only the last one' })]);
  });

  it("fleet file: other rules still run next to a duplicate key", () => {
    const issues = validateText("nodes:\n  prd-sha-het-de-fsn1-001:\n    image: debian-12\n    size: cpx22\n    size: cx99\n");
    expect(issues.map((i) => i.code)).toEqual(["duplicate-key", "size-available"]);
  });

  it("catalog: a second entry for one size is an error naming both lines", () => {
    const dir = scratch();
    cpSync(DEFAULT_CATALOG_DIR, dir, { recursive: true });
    const text = readFileSync(join(dir, "sizes.yaml"), "utf8");
    const cx23 = text.split("\n").find((l) => l.trimStart().startsWith("cx23:"))!;
    writeFileSync(join(dir, "sizes.yaml"), text.replace(cx23, `${cx23}\n${cx23.replace("monthlyEur: 2.99", "monthlyEur: 0.99")}`));
    const line = text.split("\n").indexOf(cx23) + 1;
    const { catalog, issues } = readCatalog(dir);
    expect(catalog).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/sizes\.yaml$/), line: line + 1,
      message: `duplicate key "cx23" in sizes.het on lines ${line} and ${line + 1}; YAML would silently keep only the last one` })]);
  });

  it("stack file: a second node-fleet:sshSourceCidrs is an error naming both lines", () => {
    const dir = scratch();
    const text = readFileSync(join(ROOT, "Pulumi.prd.yaml"), "utf8");
    writeFileSync(join(dir, "Pulumi.prd.yaml"), `${text}  node-fleet:sshSourceCidrs: ["0.0.0.0/0"]\n`);
    const first = text.split("\n").findIndex((l) => l.startsWith("  node-fleet:sshSourceCidrs:")) + 1;
    const second = text.split("\n").length;
    const { stack, issues } = readStackFile(dir, "prd");
    expect(stack).toBeUndefined();
    expect(issues.filter((i) => i.severity === "error")).toEqual([expect.objectContaining({ line: second,
      message: `duplicate key "node-fleet:sshSourceCidrs" in config on lines ${first} and ${second}; YAML would silently keep only the last one` })]);
  });
});
