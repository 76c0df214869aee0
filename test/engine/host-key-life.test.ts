// The host key of a node's user data belongs to one server's life. The model of what the
// engine does (test/engine/model.ts deploy, over pulumi v3.248.0 pkg/resource/deploy/
// step_generator.go: shouldTriggerReplace for the replacementTrigger option, and
// continueStepsFromDiff, where a replaced resource takes the program's inputs — the
// server's ignored userData included, engine-rules.ts replacementInputs) says which steps
// a change takes; a replaced tls.PrivateKey is a new key (terraform-provider-tls
// internal/provider/resource_private_key.go: Create generates the key, nothing is read
// back from an earlier one).
import { describe, expect, it } from "vitest";
import { runStack } from "../components/harness";
import { deploy, stepOf, type Deployment, type EngineResource } from "./model";

const NODE = "stg-sha-het-de-fsn1-001";
const fleet = (body = "") => `nodes:\n  ${NODE}: { size: cpx22, image: ubuntu-24.04${body ? `, ${body}` : ""} }\n`;

async function up(state: readonly EngineResource[], fleetText: string): Promise<Deployment> {
  const run = await runStack("stg", fleetText);
  return deploy(state, run.state);
}
const step = (d: Deployment, suffix: string) => stepOf(d, `${NODE}${suffix}`)?.op;
const resource = (d: Deployment, suffix: string) => d.state.find((r) => r.name === `${NODE}${suffix}`)!;

describe("the user-data host key of a node", () => {
  it("is replaced by a rebuild, and the new server boots with the new key, not its predecessor's", async () => {
    const first = await up([], fleet());
    const rebuild = await up(first.state, fleet("rebuild: 1"));
    expect(rebuild.error).toBeUndefined();
    expect(step(rebuild, "-host-key")).toBe("replace");
    expect(step(rebuild, "-server")).toBe("replace");
    const hostKey = resource(rebuild, "-host-key").urn;
    // The replacement's userData is the program's (not the recorded text ignoreChanges kept), made from the replaced key.
    expect(resource(rebuild, "-server").propertyDependencies.userData).toContain(hostKey);
    // The first provisioning of the new server pins the new key (NODE_HOST_KEY), the only one it trusts.
    expect(resource(rebuild, "-provision").propertyDependencies.environment).toContain(hostKey);
    expect(step(rebuild, "-provision")).toBe("update");
  });

  it("is replaced when a new image replaces the server", async () => {
    const first = await up([], fleet());
    const reimaged = await up(first.state, fleet().replace("ubuntu-24.04", "debian-12"));
    expect([step(reimaged, "-host-key"), step(reimaged, "-server")]).toEqual(["replace", "replace"]);
  });

  it("is kept while the server is: a resize and a re-run leave it alone", async () => {
    const first = await up([], fleet());
    const resized = await up(first.state, fleet().replace("cpx22", "cpx32"));
    expect([step(resized, "-host-key"), step(resized, "-server")]).toEqual(["same", "update"]);
    expect(step(await up(resized.state, fleet().replace("cpx22", "cpx32")), "-host-key")).toBe("same");
  });

  it("is kept by the deployment that first gives it its trigger (no trigger recorded: shouldTriggerReplace replaces nothing)", async () => {
    const first = await up([], fleet());
    const before = first.state.map((r) => (r.name === `${NODE}-host-key` ? { ...r, replacementTrigger: undefined } : r));
    const next = await up(before, fleet());
    expect(step(next, "-host-key")).toBe("same");
    expect(step(next, "-server")).toBe("same");
  });
});
