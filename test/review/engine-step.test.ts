import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../src/offline/plan-stack";
import { processIgnoreChanges } from "../../src/review/engine-rules";
import { resourceStep } from "../../src/review/engine-step";

const server = (inputs: Record<string, unknown>, opts: Partial<PlannedResource> = {}): PlannedResource => ({
  type: "hcloud:index/server:Server", name: "n-server", urn: "urn:pulumi:prd::node-fleet::hcloud:index/server:Server::n-server", inputs, protect: false, dependsOn: [],
  deleteBeforeReplace: true, ignoreChanges: ["userData", "location"], replacementTrigger: 0, ...opts,
});

describe("the engine's step for one resource (pulumi step_generator.go)", () => {
  it("copies ignored inputs from the old state before diffing (processIgnoreChanges)", () => {
    expect(processIgnoreChanges({ userData: "b", image: "y" }, { userData: "a", image: "x" }, ["userData"])).toEqual({ userData: "a", image: "y" });
    const step = resourceStep(server({ userData: "a", location: "fsn1" }), server({ userData: "b", location: "nbg1" }), false);
    expect(step.action).toBe("unchanged");
  });

  it("replaces for an input the provider forces new on", () => {
    const step = resourceStep(server({ image: "ubuntu-24.04" }), server({ image: "debian-12" }), false);
    expect(step).toMatchObject({ action: "replace", replaceBecause: ["image"] });
  });

  it("updates in place for an input the provider updates", () => {
    expect(resourceStep(server({ serverType: "cx23" }), server({ serverType: "cx33" }), false).action).toBe("update");
  });

  it("replaces when the replacementTrigger value changes, whatever the inputs", () => {
    const step = resourceStep(server({}, { replacementTrigger: 0 }), server({}, { replacementTrigger: 1 }), false);
    expect(step).toMatchObject({ action: "replace", replaceBecause: ["replacementTrigger"] });
  });

  it("never replaces when either side has no replacementTrigger (shouldTriggerReplace: nulls)", () => {
    expect(resourceStep(server({}, { replacementTrigger: undefined }), server({}, { replacementTrigger: 1 }), false).action).toBe("unchanged");
    expect(resourceStep(server({}, { replacementTrigger: 0 }), server({}, { replacementTrigger: undefined }), false).action).toBe("unchanged");
  });

  it("replaces when the replacementTrigger is not known yet (shouldTriggerReplace: unknowns)", () => {
    const step = resourceStep(server({}, { replacementTrigger: 0 }), server({}, { replacementTrigger: "(known after deploy)" }), false);
    expect(step.replaceBecause).toEqual(["replacementTrigger"]);
  });

  it("treats a change to an unclassified input as a replace", () => {
    expect(resourceStep(server({ novel: 1 }), server({ novel: 2 }), false).action).toBe("replace");
  });

  it("blocks a replace when old and new are both protected", () => {
    const step = resourceStep(server({ image: "a" }, { protect: true }), server({ image: "b" }, { protect: true }), false);
    expect(step.blocked).toBe("Pulumi `protect` is set");
  });

  it("allows unprotecting and replacing in one update when the provider does not refuse", () => {
    const step = resourceStep(server({ image: "a" }, { protect: true }), server({ image: "b" }, { protect: false }), false);
    expect(step).toMatchObject({ action: "replace" });
    expect(step.blocked).toBeUndefined();
  });

  it("blocks replacing a server whose Hetzner delete protection is on in the state", () => {
    const step = resourceStep(server({ image: "a", deleteProtection: true }), server({ image: "b", deleteProtection: false }), false);
    expect(step.blocked).toBe("Hetzner delete protection is on");
  });

  it("blocks deleting a resource the state says is protected (DeleteStep.Apply)", () => {
    expect(resourceStep(server({}, { protect: true }), undefined, false)).toMatchObject({ action: "delete", blocked: "Pulumi `protect` is set" });
    expect(resourceStep(server({}, { protect: false }), undefined, false).blocked).toBeUndefined();
  });

  it("counts unknown inputs as changed when a dependency is created or replaced", () => {
    const rdns = (o: Partial<PlannedResource>): PlannedResource => ({
      type: "hcloud:index/rdns:Rdns", name: "n-rdns-v4", urn: "urn:pulumi:prd::node-fleet::hcloud:index/rdns:Rdns::n-rdns-v4", inputs: { ipAddress: "(known after deploy)", dnsPtr: "n.example.com" },
      protect: false, dependsOn: ["n-server"], deleteBeforeReplace: false, ignoreChanges: [], ...o,
    });
    expect(resourceStep(rdns({}), rdns({}), false).action).toBe("unchanged");
    expect(resourceStep(rdns({}), rdns({}), true)).toMatchObject({ action: "replace", replaceBecause: ["ipAddress"] });
  });
});
