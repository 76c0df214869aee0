import * as pulumi from "@pulumi/pulumi";
import { stackConfigMap } from "../../../src/offline/plan-stack";
import { installRecorder, type RecordedResource } from "../../../src/offline/recorder";
import { program, PROJECT_ROOT } from "../../../src/program";
import { readStackFile } from "../../../src/stack/stack-file";

/** A resource of the real stack, named as the engine names it. */
export interface StackResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly parent: string;
  readonly dependencies: readonly string[];
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Runs the real stack program under the mock runtime with the recorder `fleet plan` uses
 *  (src/offline/recorder.ts) and returns its resources. The mock monitor qualifies a
 *  type with its parent's last type only (runtime/mocks.js newUrn); the engine uses the
 *  parent's whole type chain and leaves the root stack's type out (pulumi
 *  sdk/go/common/resource/urn/urn.go New), so URNs are rebuilt the engine's way.
 *  Mocks are process-wide: once per test file. */
export async function recordStack(stack: string): Promise<StackResource[]> {
  const { stack: file } = readStackFile(PROJECT_ROOT, stack);
  if (!file) throw new Error(`no Pulumi.${stack}.yaml`);
  const config = stackConfigMap(file.settings, { registrationToken: "stand-in-token" });
  const recorded = await installRecorder("node-fleet", stack, () => ({}));
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  await program();
  await pulumi.runtime.disconnect();

  const byMockUrn = new Map(recorded.map((r) => [r.urn, r]));
  const engineUrns = new Map<string, string>();
  const qualifiedType = (r: RecordedResource): string => {
    const parent = byMockUrn.get(r.parent);
    return !parent || parent.type === ROOT_STACK_TYPE ? r.type : `${qualifiedType(parent)}$${r.type}`;
  };
  for (const r of recorded) {
    engineUrns.set(r.urn, r.type === ROOT_STACK_TYPE ? r.urn : `urn:pulumi:${stack}::node-fleet::${qualifiedType(r)}::${r.name}`);
  }
  const engine = (urn: string) => engineUrns.get(urn) ?? urn;
  return recorded.map((r) => ({
    urn: engine(r.urn), type: r.type, name: r.name, custom: r.custom, protect: r.protect,
    parent: engine(r.parent), dependencies: r.dependencies.map(engine),
  }));
}
