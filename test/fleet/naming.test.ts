import { describe, expect, it } from "vitest";
import { formatHostname, fqdn, parseHostname } from "../../src/fleet/naming";

describe("parseHostname", () => {
  it("splits a hostname into its six fields with their offsets", () => {
    expect(parseHostname("prd-sha-het-de-fsn1-001")).toEqual({ name: {
      hostname: "prd-sha-het-de-fsn1-001", env: "prd", type: "sha", provider: "het", country: "de", region: "fsn1", number: 1,
      offsets: { env: 0, type: 4, provider: 8, country: 12, region: 15, number: 20 },
    } });
  });

  it("rejects a non-numeric number field at its offset", () => {
    expect(parseHostname("prd-sha-het-de-fsn1-0a1")).toEqual({ problem: { offset: 20, message: expect.stringContaining('number "0a1"') } });
  });

  it("rejects a name with a missing field", () => {
    expect(parseHostname("prd-sha-het-defsn1-0011")).toEqual({ problem: expect.objectContaining({ message: expect.stringContaining("found 23 characters in 5 fields") }) });
  });
});

describe("formatHostname", () => {
  it("zero-pads the number to three digits", () => {
    expect(formatHostname({ env: "stg", type: "sha", provider: "het", country: "fi", region: "hel1", number: 7 })).toBe("stg-sha-het-fi-hel1-007");
  });
});

describe("fqdn", () => {
  it("joins hostname and zone, dropping a trailing dot", () => {
    expect(fqdn("prd-sha-het-de-fsn1-001", "infra.example.com.")).toBe("prd-sha-het-de-fsn1-001.infra.example.com");
  });
});
