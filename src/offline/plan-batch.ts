import * as pulumi from "@pulumi/pulumi";
import { program } from "../program";
import { reviewOutputs } from "./fake-outputs";
import { lightenRuntimeForPlan } from "./plan-runtime";
import { installRecorder, isSecretValue, UNKNOWN, type RecordedResource } from "./recorder";

/** A resource as the offline plan shows it. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs with secrets shown as "[secret]" and computed values as "(known after deploy)". */
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  /** Names of the resources it waits for. */
  readonly dependsOn: readonly string[];
  /** Engine options that decide replace vs update (read by `fleet diff`). */
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly replacementTrigger?: unknown;
}

export interface PlannedNode {
  readonly hostname: string;
  readonly fqdn: string;
  readonly monthlyCostEur: number;
  readonly protect: boolean;
  readonly resources: readonly PlannedResource[];
  /** Cloud resources under this node (its components' children included). */
  readonly resourceCount: number;
}

/** One share of a stack plan: the config the engine would hand the program (its fleet
 *  file holding this share's nodes) and which of the declared nodes belong to it. */
export interface BatchInput {
  readonly stack: string;
  readonly config: { readonly values: Record<string, string>; readonly secretKeys: readonly string[] };
  /** Nodes to report; others in the fleet file (targets of `replaces`) are only context. */
  readonly keep: readonly string[];
  /** Mocks return known tokens for computed outputs (fake-outputs.ts) instead of nothing. */
  readonly knownOutputs?: boolean;
}

export interface BatchResult {
  readonly nodes: readonly PlannedNode[];
  /** Resources of the stack rather than of a node (e.g. the master key). */
  readonly fleetResources: readonly PlannedResource[];
}

const PROJECT = "node-fleet";

/** Runs the real stack program (src/program.ts) under Pulumi's mock runtime and records
 *  what it declares. Mocks are process-wide: one batch per process (plan-worker.ts). */
export async function planBatch(input: BatchInput): Promise<BatchResult> {
  const recorded = await installRecorder(PROJECT, input.stack, input.knownOutputs ? reviewOutputs : () => ({}));
  pulumi.runtime.setAllConfig(input.config.values, [...input.config.secretKeys]);
  // Pulumi records a stack trace on every internal promise for leak reports; on a large
  // fleet that is most of the time and memory of a plan. Our errors carry their meaning
  // in the message, so traces are off while the program runs.
  lightenRuntimeForPlan();
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let outputs: Awaited<ReturnType<typeof program>>;
  try {
    outputs = await program();
    await pulumi.runtime.disconnect();
  } finally {
    Error.stackTraceLimit = traceLimit;
  }

  const byUrn = new Map(recorded.map((r) => [r.urn, r]));
  const children = new Map<string, RecordedResource[]>();
  for (const r of recorded) {
    const siblings = children.get(r.parent);
    if (siblings) siblings.push(r);
    else children.set(r.parent, [r]);
  }
  const customBelow = (urn: string): number =>
    (children.get(urn) ?? []).reduce((n, child) => n + (child.custom ? 1 : 0) + customBelow(child.urn), 0);
  const components = new Map(recorded.filter((r) => r.type === "node-fleet:index:HostingNode").map((r) => [r.name, r]));
  const nodes = await Promise.all(input.keep.map(async (hostname): Promise<PlannedNode> => {
    const out = outputs.nodes[hostname];
    const component = components.get(hostname);
    if (!out || !component) throw new Error(`the program declared no node ${hostname}`);
    return {
      hostname,
      fqdn: await known(out.fqdn),
      monthlyCostEur: await known(out.monthlyCostEur),
      protect: component.protect,
      resources: (children.get(component.urn) ?? []).map((r) => planned(r, byUrn, input.stack)),
      resourceCount: customBelow(component.urn),
    };
  }));
  const fleet = recorded.find((r) => r.type === "node-fleet:index:Fleet");
  return { nodes, fleetResources: (fleet ? children.get(fleet.urn) ?? [] : []).filter((r) => r.custom).map((r) => planned(r, byUrn, input.stack)) };
}

function planned(r: RecordedResource, byUrn: Map<string, RecordedResource>, stack: string): PlannedResource {
  return {
    type: r.type,
    name: r.name,
    urn: engineUrn(r, byUrn, stack),
    inputs: reveal(r.inputs) as Record<string, unknown>,
    protect: r.protect,
    dependsOn: r.dependencies.map((urn) => byUrn.get(urn)?.name ?? urn),
    deleteBeforeReplace: r.deleteBeforeReplace,
    ignoreChanges: r.ignoreChanges,
    ...(r.hasReplacementTrigger ? { replacementTrigger: reveal(r.replacementTrigger) } : {}),
  };
}

/** The URN the engine gives a resource: the parent's URN with its name dropped, then
 *  `$type::name` — the whole chain of parent types (@pulumi/pulumi resource.ts
 *  createUrn, the engine's resource.NewURN). Pulumi's mock monitor keeps only the last
 *  parent type, so the recorded URN is rebuilt from the recorded parents. */
function engineUrn(r: RecordedResource, byUrn: Map<string, RecordedResource>, stack: string): string {
  const parent = byUrn.get(r.parent);
  if (!parent || parent.type === "pulumi:pulumi:Stack") return `urn:pulumi:${stack}::${PROJECT}::${r.type}::${r.name}`;
  const parentUrn = engineUrn(parent, byUrn, stack);
  return `${parentUrn.slice(0, parentUrn.lastIndexOf("::"))}$${r.type}::${r.name}`;
}

/** Inputs as a reviewer may see them: never a secret's value, and unknowns named. */
function reveal(value: unknown): unknown {
  if (isSecretValue(value)) return "[secret]";
  if (value === UNKNOWN) return "(known after deploy)";
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** The value of an output that is known at plan time (plain values the program set). */
function known<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolveValue) => output.apply((v) => { resolveValue(v); return v; }));
}
