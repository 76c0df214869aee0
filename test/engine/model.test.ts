import { describe, expect, it } from "vitest";
import { deploy, type EngineResource } from "./model";

/** A server as the engine records it, with only what these cases need. */
function server(inputs: Record<string, unknown>, opts: Partial<EngineResource> = {}): EngineResource {
  return {
    urn: "urn:pulumi:prd::node-fleet::hcloud:index/server:Server::n-server", type: "hcloud:index/server:Server", name: "n-server",
    custom: true, protect: false, deleteBeforeReplace: true, retainOnDelete: false, ignoreChanges: [], replacementTrigger: 0,
    inputs, propertyDependencies: {}, customTimeouts: {}, ...opts,
  };
}

describe("the engine model (pulumi step_generator.go)", () => {
  it("hands a replacement the OLD value of an ignored property (processIgnoreChanges runs before the diff)", () => {
    const old = server({ image: "debian-12", sshKeys: ["111", "222"] }, { ignoreChanges: ["sshKeys"] });
    const next = server({ image: "debian-12", sshKeys: ["111", "333"] }, { ignoreChanges: ["sshKeys"], replacementTrigger: 1 });
    const result = deploy([old], [next]);
    expect(result.steps[0]!.op).toBe("replace");
    expect(result.state[0]!.inputs.sshKeys).toEqual(["111", "222"]);
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
});
