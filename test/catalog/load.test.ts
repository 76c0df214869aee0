import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_DIR, readCatalog } from "../../src/catalog/load";

const dirs: string[] = [];
/** A copy of the bundled catalog with one file's text edited. */
function brokenCatalog(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "catalog-"));
  dirs.push(dir);
  cpSync(DEFAULT_CATALOG_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), "utf8")));
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("readCatalog", () => {
  it("loads the bundled catalog without issues", () => {
    const { catalog, issues } = readCatalog();
    expect(issues).toEqual([]);
    expect(catalog?.size("het", "cpx32")).toEqual(expect.objectContaining({ vcpus: 4, memoryGb: 8, deprecated: false }));
    expect(catalog?.panel("virtualmin")).toEqual(expect.objectContaining({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) }));
  });

  it("names file, line and field of a wrongly typed value", () => {
    const dir = brokenCatalog("sizes.yaml", (t) => t.replace("cx33:  { vcpus: 4,", 'cx33:  { vcpus: "four",'));
    const { catalog, issues } = readCatalog(dir);
    expect(catalog).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({
      file: expect.stringMatching(/sizes\.yaml$/), line: 25, message: 'sizes.het.cx33.vcpus must be a number, found "four"',
    })]);
  });

  it("rejects a size sold in a region the provider does not have", () => {
    const dir = brokenCatalog("sizes.yaml", (t) => t.replace("locations: [fsn1, nbg1, hel1] }", "locations: [fsn1, nbg1, hel9] }"));
    expect(readCatalog(dir).issues).toContainEqual(expect.objectContaining({
      file: expect.stringMatching(/sizes\.yaml$/), line: 24, message: expect.stringContaining('size cx23 is sold in unknown het region "hel9"'),
    }));
  });

  it("rejects a catalog that does not price the addresses of a provider that provisions", () => {
    const dir = brokenCatalog("sizes.yaml", (t) => t.replace("primaryIps:\n  het:", "primaryIps:\n  dig:"));
    expect(readCatalog(dir).issues).toContainEqual(expect.objectContaining({
      file: expect.stringMatching(/sizes\.yaml$/), message: "no primaryIps prices for het, which provisions servers; add ipv4 and ipv6 prices",
    }));
  });

  it("rejects a region code used twice by one provider", () => {
    const dir = brokenCatalog("regions.yaml", (t) => t.replace("{ native: nbg1, code: nbg1,", "{ native: nbg1, code: fsn1,"));
    expect(readCatalog(dir).issues).toContainEqual(expect.objectContaining({
      line: 8, message: 'code "fsn1" appears twice for het (entries 1 and 2)',
    }));
  });

  it("rejects an unknown field with a suggestion", () => {
    const dir = brokenCatalog("providers.yaml", (t) => t.replace("    provisions: true", "    provision: true"));
    expect(readCatalog(dir).issues).toContainEqual(expect.objectContaining({
      file: expect.stringMatching(/providers\.yaml$/), message: expect.stringContaining('unknown field "provision" in providers.het; did you mean "provisions"?'),
    }));
  });
});
