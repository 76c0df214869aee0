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

  it("keeps the registration step inert: no command to run, nothing to deregister", () => {
    const step = byName(resources, "dev-sha-het-de-fsn1-001-register").inputs;
    expect(step.create).toBeUndefined();
    expect(step.update).toBeUndefined();
    expect(step.delete).toBeUndefined();
  });

  it("hands the master key to provisioning and uploads no key to Hetzner for it", () => {
    expect(resources.filter((r) => r.type === "hcloud:index/sshKey:SshKey").map((r) => r.name)).toEqual(["dev-sha-het-de-fsn1-001-ssh-key"]);
    expect(byName(resources, "dev-sha-het-de-fsn1-001-server").inputs.sshKeys).toHaveLength(1);
    const vars = JSON.parse(String((byName(resources, "dev-sha-het-de-fsn1-001-provision").inputs.environment as Record<string, unknown>).NODE_VARS)) as Record<string, unknown>;
    expect(vars.node_master_ssh_public_key).toBe(MASTER);
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
