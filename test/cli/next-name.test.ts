import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "../helpers";
import { fleet } from "./run";

const VALID = join(FIXTURES, "fleet", "valid.yaml");

describe("fleet next-name", () => {
  it("prints the next hostname for a region", async () => {
    expect(await fleet("next-name", "--env", "prd", "--region", "fsn1", "--fleet", VALID))
      .toEqual({ code: 0, stdout: "prd-sha-het-de-fsn1-002", stderr: "" });
  });

  it("accepts Hetzner's own location id", async () => {
    expect((await fleet("next-name", "--env", "prd", "--region", "ash", "--fleet", VALID)).stdout).toBe("prd-sha-het-us-ash1-002");
  });

  it("exits 2 on an unknown region", async () => {
    const run = await fleet("next-name", "--env", "prd", "--region", "atlantis", "--fleet", VALID);
    expect(run).toEqual({ code: 2, stdout: "", stderr: expect.stringContaining('region "atlantis" is not a het region') });
  });

  it("exits 2 when a required option is missing", async () => {
    const run = await fleet("next-name", "--env", "prd");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--region <region>' not specified");
  });

  it("exits 1 when the fleet itself is invalid", async () => {
    const run = await fleet("next-name", "--env", "prd", "--region", "fsn1", "--fleet", join(FIXTURES, "fleet", "duplicate-hostname.yaml"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('duplicate key "prd-sha-het-de-fsn1-001" in nodes on lines 2 and 6');
  });
});
