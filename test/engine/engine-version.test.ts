import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MINIMUM_PULUMI_VERSION } from "../../src/components/engine-support";
import { FLEET, runStack } from "../components/harness";

const project = parse(readFileSync(join(__dirname, "../../Pulumi.yaml"), "utf8")) as { requiredPulumiVersion?: string };

describe("the Pulumi CLI the stack needs", () => {
  it("is stated in Pulumi.yaml as the release that added replacementTrigger", () => {
    expect(MINIMUM_PULUMI_VERSION).toBe("3.208.0");
    expect(project.requiredPulumiVersion).toBe(`>=${MINIMUM_PULUMI_VERSION}`);
  });

  it("is checked with the engine (source_eval.go SupportsFeature), refusing one that would drop rebuilds", async () => {
    await expect(runStack("prd", FLEET, {}, undefined, { supports: (feature) => feature !== "replacementTrigger" }))
      .rejects.toThrow(/ignores the replacementTrigger option.*install Pulumi CLI 3\.208\.0 or later/);
  });

  it("lets an engine that supports it declare the fleet", async () => {
    const run = await runStack("prd", FLEET, {}, undefined, { supports: () => true });
    expect(run.state.some((r) => r.name === "prd-sha-het-de-fsn1-001-server" && r.replacementTrigger === 0)).toBe(true);
  });
});
