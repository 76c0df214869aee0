import { describe, expect, it } from "vitest";
import { deploy, registrationOrder, type EngineResource } from "./model";

/** A server as the engine records it, with only what these cases need. */
function server(inputs: Record<string, unknown>, opts: Partial<EngineResource> = {}): EngineResource {
  return {
    urn: "urn:pulumi:prd::node-fleet::hcloud:index/server:Server::n-server", type: "hcloud:index/server:Server", name: "n-server",
    custom: true, protect: false, deleteBeforeReplace: true, retainOnDelete: false, ignoreChanges: [], replacementTrigger: 0,
    inputs, propertyDependencies: {}, dependencies: [], customTimeouts: {}, ...opts,
  };
}

describe("the engine model (pulumi step_generator.go)", () => {
  it("hands a replacement the program's value of an ignored property (continueStepsFromDiff v3.248.0 L1882-1906 re-checks goal.Properties)", () => {
    const old = server({ image: "debian-12", location: "fsn1" }, { ignoreChanges: ["location"] });
    const next = server({ image: "debian-12", location: "nbg1" }, { ignoreChanges: ["location"], replacementTrigger: 1 });
    const result = deploy([old], [next]);
    expect(result.steps[0]!.op).toBe("replace");
    expect(result.state[0]!.inputs.location).toBe("nbg1");
  });

  it("changes nothing for an ignored property alone (processIgnoreChanges before the diff)", () => {
    const old = server({ image: "debian-12", location: "fsn1" }, { ignoreChanges: ["location"] });
    const result = deploy([old], [server({ image: "debian-12", location: "nbg1" }, { ignoreChanges: ["location"] })]);
    expect(result.steps[0]!.op).toBe("same");
    expect(result.state[0]!.inputs.location).toBe("fsn1");
  });

  it("replaces on a changed trigger and not on an unchanged one (shouldTriggerReplace)", () => {
    const old = server({ image: "debian-12" });
    expect(deploy([old], [server({ image: "debian-12" })]).steps[0]!.op).toBe("same");
    expect(deploy([old], [server({ image: "debian-12" }, { replacementTrigger: 1 })]).steps[0]!.op).toBe("replace");
  });

  it("allows unprotecting and replacing in one update, but not replacing while both are protected", () => {
    const old = server({ image: "debian-12" }, { protect: true });
    expect(deploy([old], [server({ image: "debian-13" }, { protect: false })]).error).toBeUndefined();
    expect(deploy([old], [server({ image: "debian-13" }, { protect: true })]).error).toMatch(/marked for protection/);
  });

  it("skips the provider's delete for retainOnDelete and refuses a protected delete", () => {
    const command = (protect: boolean, retainOnDelete: boolean): EngineResource => ({
      ...server({ delete: "node bin/register delete" }), type: "command:local:Command", name: "n-register", urn: "urn:c", protect, retainOnDelete,
    });
    expect(deploy([command(false, false)], []).steps[0]!.runs).toEqual(["node bin/register delete"]);
    expect(deploy([command(false, true)], []).steps[0]!.runs).toEqual([]);
    expect(deploy([command(true, false)], []).error).toMatch(/cannot be deleted because it is protected/);
  });

  const rdns = (protect: boolean): EngineResource => ({
    ...server({ serverId: 1, dnsPtr: "n.example.com" }), type: "hcloud:index/rdns:Rdns", name: "n-rdns", urn: "urn:rdns", protect,
    deleteBeforeReplace: false, replacementTrigger: undefined, propertyDependencies: { serverId: [server({}).urn] }, dependencies: [server({}).urn],
  });

  it("checks a delete-before-replace chain's dependent on its OLD protection alone (continueStepsFromDiff L1990)", () => {
    const rebuilt = server({ image: "debian-12" }, { replacementTrigger: 1 });
    expect(deploy([server({ image: "debian-12" }), rdns(true)], [rebuilt, rdns(false)]).error).toMatch(/urn:rdns.* as part of replacing .*marked for protection/);
    expect(deploy([server({ image: "debian-12" }), rdns(false)], [rebuilt, rdns(true)]).error).toBeUndefined();
  });

  it("deletes a delete-before-replace chain's dependents before the root, and they stay deleted when the root's delete fails", () => {
    const old = server({ image: "debian-12", name: "n", deleteProtection: true });
    const result = deploy([old, rdns(false)], [server({ image: "debian-12", name: "n", deleteProtection: true }, { replacementTrigger: 1 }), rdns(false)]);
    expect(result.steps.map((s) => [s.op, s.name, s.calls])).toEqual([["delete-replaced", "n-rdns", ["reset ptr"]]]);
    expect(result.error).toMatch(/delete-protected/);
    expect(result.state.map((r) => r.name)).toEqual(["n-server"]);
  });

  it("registers resources with plain inputs first, then each one after what it waits for (source_eval.go RegisterResource answers after the step)", () => {
    const waits = server({}, { name: "n-server", dependencies: ["urn:key"] });
    const key = { ...server({}), name: "n-key", urn: "urn:key" };
    const password = { ...server({}), name: "n-password", urn: "urn:password" };
    expect(registrationOrder([waits, key, password]).map((r) => r.name)).toEqual(["n-key", "n-password", "n-server"]);
  });
});
