import { describe, expect, it } from "vitest";
import { shardNames, shardOf, stackOf } from "../../src/shard/layout";
import { ShardLayoutSchema } from "../../src/stack/shards";
import { shardEnvironment } from "../../src/stack/stack-names";

const twoRanges = ShardLayoutSchema.parse({ byRegion: true, numbers: [{ from: 1, to: 499 }, { from: 500, to: 999 }], active: ["prd-fsn1-a"] });

describe("shard layout", () => {
  it("puts a node in the shard of its region and number range", () => {
    expect(shardOf("prd-sha-het-de-fsn1-001", twoRanges)).toBe("prd-fsn1-a");
    expect(shardOf("prd-sha-het-de-fsn1-499", twoRanges)).toBe("prd-fsn1-a");
    expect(shardOf("prd-sha-het-de-fsn1-500", twoRanges)).toBe("prd-fsn1-b");
    expect(shardOf("prd-sha-het-fi-hel1-042", twoRanges)).toBe("prd-hel1-a");
  });

  it("names shards by number range alone when the layout does not split by region", () => {
    const byNumber = ShardLayoutSchema.parse({ numbers: [{ from: 1, to: 300 }, { from: 301, to: 999 }] });
    expect(shardOf("prd-sha-het-de-fsn1-301", byNumber)).toBe("prd-b");
    expect(shardOf("prd-sha-het-fi-hel1-300", byNumber)).toBe("prd-a");
  });

  it("keeps a node in the environment's stack until its shard is active", () => {
    expect(stackOf("prd-sha-het-de-fsn1-001", "prd", twoRanges)).toBe("prd-fsn1-a");
    expect(stackOf("prd-sha-het-de-fsn1-600", "prd", twoRanges)).toBe("prd");
    expect(stackOf("prd-sha-het-de-fsn1-001", "prd", undefined)).toBe("prd");
  });

  it("lists every shard of the regions in use", () => {
    expect(shardNames("prd", twoRanges, ["hel1", "fsn1", "hel1"])).toEqual(["prd-fsn1-a", "prd-fsn1-b", "prd-hel1-a", "prd-hel1-b"]);
  });

  it("refuses ranges that leave a number without a shard", () => {
    const gap = ShardLayoutSchema.safeParse({ numbers: [{ from: 1, to: 400 }, { from: 500, to: 999 }] });
    expect(gap.success).toBe(false);
    expect(gap.error?.issues[0]?.message).toContain("must start at 401");
    const short = ShardLayoutSchema.safeParse({ numbers: [{ from: 1, to: 900 }] });
    expect(short.error?.issues[0]?.message).toContain("the last must end at 999");
  });

  it("reads the environment of a shard stack name and nothing else", () => {
    expect(shardEnvironment("prd-fsn1-a")).toBe("prd");
    expect(shardEnvironment("stg-b")).toBe("stg");
    expect(shardEnvironment("prd")).toBeUndefined();
    expect(shardEnvironment("prd-fsn1")).toBeUndefined();
  });
});
