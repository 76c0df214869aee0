import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../src/offline/plan-stack";
import { processIgnoreChanges } from "../../src/review/engine-rules";
import { resourceStep } from "../../src/review/engine-step";

const server = (inputs: Record<string, unknown>, opts: Partial<PlannedResource> = {}): PlannedResource => ({
  type: "hcloud:index/server:Server", name: "n-server", urn: "urn:pulumi:prd::node-fleet::hcloud:index/server:Server::n-server", inputs, protect: false, dependsOn: [],
  deleteBeforeReplace: true, ignoreChanges: ["userData", "location"], replacementTrigger: 0, ...opts,
});

describe("the engine's step for one resource (pulumi step_generator.go)", () => {
  it("copies ignored inputs from the old state before diffing (processIgnoreChanges), so they alone change nothing", () => {
    expect(processIgnoreChanges({ userData: "b", image: "y" }, { userData: "a", image: "x" }, ["userData"])).toEqual({ userData: "a", image: "y" });
    const step = resourceStep(server({ userData: "a", location: "fsn1" }), server({ userData: "b", location: "nbg1" }));
    expect(step.action).toBe("unchanged");
  });

  it("names every input a replacement takes that differs, ignored ones included (continueStepsFromDiff re-checks goal.Properties, v3.248.0 L1882-1906)", () => {
    const step = resourceStep(server({ image: "ubuntu-24.04", location: "fsn1", userData: "a" }, { replacementTrigger: 0 }),
      server({ image: "ubuntu-24.04", location: "nbg1", userData: "a" }, { replacementTrigger: 1 }));
    expect(step).toMatchObject({ action: "replace", replaceBecause: ["replacementTrigger"] });
    expect(step.changes).toEqual([{ input: "location", before: "fsn1", after: "nbg1" }]);
  });

  it("replaces for an input the provider forces new on", () => {
    const step = resourceStep(server({ image: "ubuntu-24.04" }), server({ image: "debian-12" }));
    expect(step).toMatchObject({ action: "replace", replaceBecause: ["image"] });
  });

  it("updates in place for an input the provider updates", () => {
    expect(resourceStep(server({ serverType: "cx23" }), server({ serverType: "cx33" })).action).toBe("update");
  });

  it("replaces when the replacementTrigger value changes, whatever the inputs", () => {
    const step = resourceStep(server({}, { replacementTrigger: 0 }), server({}, { replacementTrigger: 1 }));
    expect(step).toMatchObject({ action: "replace", replaceBecause: ["replacementTrigger"] });
  });

  it("never replaces when either side has no replacementTrigger (shouldTriggerReplace: nulls)", () => {
    expect(resourceStep(server({}, { replacementTrigger: undefined }), server({}, { replacementTrigger: 1 })).action).toBe("unchanged");
    expect(resourceStep(server({}, { replacementTrigger: 0 }), server({}, { replacementTrigger: undefined })).action).toBe("unchanged");
  });

  it("replaces when the replacementTrigger is not known yet (shouldTriggerReplace: unknowns)", () => {
    const step = resourceStep(server({}, { replacementTrigger: 0 }), server({}, { replacementTrigger: "(known after deploy)" }));
    expect(step.replaceBecause).toEqual(["replacementTrigger"]);
  });

  it("treats a change to an unclassified input as a replace", () => {
    expect(resourceStep(server({ novel: 1 }), server({ novel: 2 })).action).toBe("replace");
  });

  it("blocks a replace when old and new are both protected", () => {
    const step = resourceStep(server({ image: "a" }, { protect: true }), server({ image: "b" }, { protect: true }));
    expect(step.blocked).toBe("Pulumi `protect` is set");
  });

  it("allows unprotecting and replacing in one update when the provider does not refuse", () => {
    const step = resourceStep(server({ image: "a" }, { protect: true }), server({ image: "b" }, { protect: false }));
    expect(step).toMatchObject({ action: "replace" });
    expect(step.blocked).toBeUndefined();
  });

  it("blocks a delete-before-replace chain's dependent on its OLD protection alone, whatever the program now says (continueStepsFromDiff L1990)", () => {
    const rdns = (protect: boolean): PlannedResource => ({
      type: "hcloud:index/rdns:Rdns", name: "n-rdns-v4", urn: "urn:pulumi:stg::node-fleet::hcloud:index/rdns:Rdns::n-rdns-v4",
      inputs: { ipAddress: "(known after deploy)", dnsPtr: "n.example.com" }, protect, dependsOn: ["n-server"], deleteBeforeReplace: false, ignoreChanges: [],
    });
    const chain = { renewed: true, deletedFirst: true };
    expect(resourceStep(rdns(true), rdns(false), chain).blocked).toBe("Pulumi `protect` is set");
    expect(resourceStep(rdns(false), rdns(true), chain).blocked).toBeUndefined();
    expect(resourceStep(rdns(true), rdns(false), { renewed: true, deletedFirst: false }).blocked).toBeUndefined();
  });

  it("blocks replacing a server whose Hetzner delete protection is on in the state", () => {
    const step = resourceStep(server({ image: "a", deleteProtection: true }), server({ image: "b", deleteProtection: false }));
    expect(step.blocked).toBe("Hetzner delete protection is on");
  });

  it("blocks deleting a resource the state says is protected (DeleteStep.Apply)", () => {
    expect(resourceStep(server({}, { protect: true }), undefined)).toMatchObject({ action: "delete", blocked: "Pulumi `protect` is set" });
    expect(resourceStep(server({}, { protect: false }), undefined).blocked).toBeUndefined();
  });

  it("counts unknown inputs as changed when a dependency is created or replaced", () => {
    const rdns = (o: Partial<PlannedResource>): PlannedResource => ({
      type: "hcloud:index/rdns:Rdns", name: "n-rdns-v4", urn: "urn:pulumi:prd::node-fleet::hcloud:index/rdns:Rdns::n-rdns-v4", inputs: { ipAddress: "(known after deploy)", dnsPtr: "n.example.com" },
      protect: false, dependsOn: ["n-server"], deleteBeforeReplace: false, ignoreChanges: [], ...o,
    });
    expect(resourceStep(rdns({}), rdns({})).action).toBe("unchanged");
    expect(resourceStep(rdns({}), rdns({}), { renewed: true, deletedFirst: false })).toMatchObject({ action: "replace", replaceBecause: ["ipAddress"] });
  });
});
