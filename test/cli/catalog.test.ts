import { describe, expect, it } from "vitest";
import { fleet } from "./run";

describe("fleet catalog", () => {
  it("prints the regions with native ids and countries", async () => {
    const run = await fleet("catalog", "regions");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^het\s+ash1\s+ash\s+us\s+Ashburn$/m);
    expect(run.stdout).toMatch(/^aws\s+sae1\s+sa-east-1\s+br\s+São Paulo$/m);
  });

  it("prints sizes with prices, where they are sold, and their source", async () => {
    const run = await fleet("catalog", "sizes");
    expect(run.stdout).toMatch(/^het\s+cpx32\s+4\s+shared\s+8\s+160\s+€10\.49\s+0\.0168\s+100\s+fsn1,nbg1,hel1,ash1,hil1,sin1\s+current$/m);
    expect(run.stdout).toMatch(/^het\s+cpx21 .*deprecated → cpx22$/m);
    expect(run.stdout).toContain("Prices: EUR, VAT excluded, as of 2025-10-16");
  });

  it("prints every table without an argument", async () => {
    const run = await fleet("catalog");
    for (const title of ["PROVIDERS", "REGIONS", "SIZES", "PANELS"]) expect(run.stdout).toContain(title);
  });

  it("exits 2 on an unknown table", async () => {
    expect((await fleet("catalog", "prices")).code).toBe(2);
  });

  it("exits 1 naming the file when the catalog is broken", async () => {
    const run = await fleet("--catalog", "/nonexistent", "catalog");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("providers.yaml:1:1: error: cannot read catalog file");
  });
});
