import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../src/offline/recorder";
import type { StackOutputs } from "../../src/program";
import { byName, FLEET, runStack } from "./harness";

const MASTER = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZppChegVOy9bB5S1yS5XlBWsTNRjfw1oR/1ma49Vdj ops@example.com";
let resources: RecordedResource[];
let outputs: StackOutputs;

beforeAll(async () => {
  ({ resources, outputs } = await runStack("dev", FLEET, {
    masterSshPublicKey: MASTER,
    features: { autoRegistration: false, costTracking: false },
  }, {}));
});

describe("a dev stack without registration, with a master key", () => {
  it("declares only the dev node", () => {
    expect(resources.filter((r) => r.type === "node-fleet:index:HostingNode").map((r) => r.name)).toEqual(["dev-sha-het-de-fsn1-001"]);
  });

  it("does not declare the registration step", () => {
    expect(resources.some((r) => r.name.endsWith("-register"))).toBe(false);
  });

  it("declares the master key once for the fleet and adds it to the server", () => {
    const master = resources.filter((r) => r.type === "hcloud:index/sshKey:SshKey" && r.name === "node-fleet-dev-master");
    expect(master).toHaveLength(1);
    expect(master[0]!.inputs).toEqual(expect.objectContaining({ name: "node-fleet-dev-master", publicKey: MASTER }));
    expect(byName(resources, "dev-sha-het-de-fsn1-001-server").inputs.sshKeys).toHaveLength(2);
  });

  it("leaves dev nodes unprotected", () => {
    expect(byName(resources, "dev-sha-het-de-fsn1-001-server").protect).toBe(false);
    expect(byName(resources, "dev-sha-het-de-fsn1-001-server").inputs.deleteProtection).toBe(false);
  });

  it("reports no cost when cost tracking is off", () => {
    expect(outputs.environment).toBe("dev");
    expect(outputs.nodeCount).toBe(1);
    expect(outputs.totalMonthlyCostEur).toBeUndefined();
  });
});
