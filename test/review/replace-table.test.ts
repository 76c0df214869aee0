import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { collectPlan, type StackPlan } from "../../src/offline/plan-stack";
import { inputClass, REPLACE_TABLE } from "../../src/review/replace-table";

const ROOT = join(__dirname, "../..");

/** A prd stack with every optional setting on: the master key and registration. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "replace-table-"));
  const stack = readFileSync(join(ROOT, "Pulumi.prd.yaml"), "utf8")
    .replace("# node-fleet:masterSshPublicKey: ssh-ed25519 AAAA... ops@example.com",
      "node-fleet:masterSshPublicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZnXTLnUcIbQbjORKANeESwpmDA6xxOqXoZVz8Pb7ZA ops@example.com");
  writeFileSync(join(dir, "Pulumi.prd.yaml"), stack);
  writeFileSync(join(dir, "fleet.yaml"), "defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001: { image: debian-12 }\n");
  return dir;
}

describe("the replace-on-change table", () => {
  let plan: StackPlan;
  beforeAll(async () => {
    plan = await collectPlan({ stack: "prd", projectDir: project() });
  });

  it("classifies every input of every resource the stack program declares", () => {
    const resources = [...plan.fleetResources, ...plan.nodes.flatMap((n) => n.resources)];
    const types = new Set(resources.map((r) => r.type));
    expect(types).toContain("hcloud:index/server:Server");
    expect(types).toContain("command:local:Command");
    // The master key is authorized by provisioning, not uploaded: the stack has no resources of its own.
    expect(plan.fleetResources).toEqual([]);
    const unclassified = resources.flatMap((r) => Object.keys(r.inputs).filter((k) => !inputClass(r.type, k)).map((k) => `${r.type} ${k}`));
    expect(unclassified).toEqual([]);
  });

  it("knows every resource type the program declares", () => {
    const resources = [...plan.fleetResources, ...plan.nodes.flatMap((n) => n.resources)];
    expect([...new Set(resources.map((r) => r.type))].filter((t) => !REPLACE_TABLE[t])).toEqual([]);
  });

  it("never lists an input as both replace and update", () => {
    for (const [type, classes] of Object.entries(REPLACE_TABLE)) {
      expect(classes.replace.filter((i) => classes.update.includes(i)), type).toEqual([]);
    }
  });

  it("follows hcloud's server schema: image, location, user data and keys replace; the type resizes in place", () => {
    expect(["image", "location", "userData", "sshKeys"].map((i) => inputClass("hcloud:index/server:Server", i))).toEqual(["replace", "replace", "replace", "replace"]);
    expect(["serverType", "labels", "firewallIds", "deleteProtection"].map((i) => inputClass("hcloud:index/server:Server", i))).toEqual(["update", "update", "update", "update"]);
  });

  it("follows pulumi-command 1.2.1: only triggers replace a command", () => {
    expect(inputClass("command:local:Command", "triggers")).toBe("replace");
    expect(inputClass("command:local:Command", "environment")).toBe("update");
  });

  it("leaves an input it does not know unclassified rather than guessing", () => {
    expect(inputClass("hcloud:index/server:Server", "somethingNew")).toBeUndefined();
    expect(inputClass("aws:s3/bucket:Bucket", "bucket")).toBeUndefined();
  });
});
