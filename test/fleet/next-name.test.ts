import { describe, expect, it } from "vitest";
import { nextHostname } from "../../src/fleet/next-name";
import { bundledCatalog } from "../helpers";

const name = (existing: string[], region: string, extra: { env?: string; provider?: string; type?: string } = {}) =>
  nextHostname(existing, { env: extra.env ?? "prd", type: extra.type ?? "sha", provider: extra.provider ?? "het", region }, bundledCatalog());

describe("nextHostname", () => {
  it("starts at 001 in an empty region", () => {
    expect(name([], "fsn1")).toEqual(expect.objectContaining({ hostname: "prd-sha-het-de-fsn1-001", number: 1 }));
  });

  it("takes one past the highest number, leaving gaps unfilled", () => {
    expect(name(["prd-sha-het-de-fsn1-001", "prd-sha-het-de-fsn1-003"], "fsn1")).toEqual(expect.objectContaining({ hostname: "prd-sha-het-de-fsn1-004" }));
  });

  it("numbers each region on its own", () => {
    expect(name(["prd-sha-het-de-fsn1-002"], "hel1")).toEqual(expect.objectContaining({ hostname: "prd-sha-het-fi-hel1-001" }));
  });

  it("numbers each environment on its own", () => {
    expect(name(["prd-sha-het-de-fsn1-005"], "fsn1", { env: "stg" })).toEqual(expect.objectContaining({ hostname: "stg-sha-het-de-fsn1-001" }));
  });

  it("accepts the provider's native region id", () => {
    expect(name([], "ash")).toEqual(expect.objectContaining({ hostname: "prd-sha-het-us-ash1-001" }));
    expect(name([], "us-east-1", { provider: "aws" })).toEqual(expect.objectContaining({ hostname: "prd-sha-aws-us-use1-001" }));
    expect(name([], "us-east", { provider: "lin" })).toEqual(expect.objectContaining({ hostname: "prd-sha-lin-us-nwk1-001" }));
  });

  it("refuses an unknown region, listing codes with native ids", () => {
    expect(name([], "xyz")).toEqual({ error: 'region "xyz" is not a het region; allowed: fsn1, nbg1, hel1, ash1 (ash), hil1 (hil), sin1 (sin)' });
  });

  it("refuses an unknown environment", () => {
    expect(name([], "fsn1", { env: "qa1" })).toEqual({ error: expect.stringContaining('environment "qa1" is not known') });
  });

  it("says so when 999 is taken", () => {
    expect(name(["prd-sha-het-de-fsn1-999"], "fsn1")).toEqual({ error: expect.stringContaining("999 is in use"), full: true });
  });
});
