import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../helpers";

/** Every row of seed 000's region tables: provider, native id, normalized code, country. */
const SEED_REGIONS: readonly (readonly [string, string, string, string])[] = [
  ["het", "fsn1", "fsn1", "de"], ["het", "nbg1", "nbg1", "de"], ["het", "hel1", "hel1", "fi"], ["het", "ash", "ash1", "us"], ["het", "hil", "hil1", "us"],
  ["dig", "nyc1", "nyc1", "us"], ["dig", "nyc2", "nyc2", "us"], ["dig", "nyc3", "nyc3", "us"], ["dig", "sfo1", "sfo1", "us"], ["dig", "sfo2", "sfo2", "us"],
  ["dig", "tor1", "tor1", "ca"], ["dig", "lon1", "lon1", "gb"], ["dig", "ams2", "ams2", "nl"], ["dig", "ams3", "ams3", "nl"], ["dig", "fra1", "fra1", "de"],
  ["dig", "sgp1", "sgp1", "sg"], ["dig", "blr1", "blr1", "in"], ["dig", "syd1", "syd1", "au"],
  ["vul", "ewr", "ewr1", "us"], ["vul", "ord", "ord1", "us"], ["vul", "dfw", "dfw1", "us"], ["vul", "sea", "sea1", "us"], ["vul", "lax", "lax1", "us"],
  ["vul", "atl", "atl1", "us"], ["vul", "mia", "mia1", "us"], ["vul", "ams", "ams1", "nl"], ["vul", "lhr", "lhr1", "gb"], ["vul", "fra", "fra1", "de"],
  ["vul", "cdg", "cdg1", "fr"], ["vul", "nrt", "nrt1", "jp"], ["vul", "sgp", "sgp1", "sg"], ["vul", "syd", "syd1", "au"],
  ["lin", "us-east", "nwk1", "us"], ["lin", "us-central", "dal1", "us"], ["lin", "us-west", "fre1", "us"], ["lin", "us-southeast", "atl1", "us"],
  ["lin", "ca-central", "tor1", "ca"], ["lin", "eu-west", "lon1", "gb"], ["lin", "eu-central", "fra1", "de"], ["lin", "ap-south", "sgp1", "sg"],
  ["lin", "ap-northeast", "tyo1", "jp"], ["lin", "ap-west", "mum1", "in"], ["lin", "ap-southeast", "syd1", "au"],
  ["aws", "us-east-1", "use1", "us"], ["aws", "us-east-2", "use2", "us"], ["aws", "us-west-1", "usw1", "us"], ["aws", "us-west-2", "usw2", "us"],
  ["aws", "eu-west-1", "euw1", "ie"], ["aws", "eu-west-2", "euw2", "gb"], ["aws", "eu-west-3", "euw3", "fr"], ["aws", "eu-central-1", "euc1", "de"],
  ["aws", "eu-north-1", "eun1", "se"], ["aws", "ap-northeast-1", "ane1", "jp"], ["aws", "ap-northeast-2", "ane2", "kr"],
  ["aws", "ap-southeast-1", "ase1", "sg"], ["aws", "ap-southeast-2", "ase2", "au"], ["aws", "ap-south-1", "aso1", "in"], ["aws", "sa-east-1", "sae1", "br"],
];

describe("catalog regions", () => {
  it.each(SEED_REGIONS)("%s %s normalizes to %s in %s", (provider, native, code, country) => {
    const region = bundledCatalog().findRegion(provider, native);
    expect(region).toEqual(expect.objectContaining({ native, code, country }));
    expect(bundledCatalog().findRegion(provider, code)).toBe(region);
  });

  it("has no region beyond the seed's tables except Hetzner Singapore", () => {
    const extra = bundledCatalog().regions().filter((r) => !SEED_REGIONS.some(([p, n]) => p === r.provider && n === r.native));
    expect(extra.map((r) => [r.provider, r.native, r.code, r.country])).toEqual([["het", "sin", "sin1", "sg"]]);
  });
});
