import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadCatalog } from "../catalog/load";
import { validateFleetFile } from "../fleet/validate";
import { program } from "../program";
import { hasErrors, InvalidInputError } from "../source/issues";
import { CONFIG_NAMESPACE, SECRET_KEYS, type StackSettings } from "../stack/settings";
import { readStackFile } from "../stack/stack-file";
import { lightenRuntimeForPlan } from "./plan-runtime";
import { installRecorder, isSecretValue, UNKNOWN, type OutputFaker, type RecordedResource } from "./recorder";

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
}

/** What `pulumi up` on a stack would declare, found without the Pulumi CLI or a cloud. */
export interface StackPlan {
  readonly stack: string;
  readonly environment: string;
  readonly nodes: readonly PlannedNode[];
  /** Resources that belong to the stack rather than to one node (e.g. the master key). */
  readonly fleetResources: readonly PlannedResource[];
  readonly resourceCount: number;
  readonly totalMonthlyCostEur: number;
  /** Secret config a real `pulumi up` needs that the stack file does not hold. */
  readonly secretsNeeded: readonly string[];
}

export interface PlanOptions {
  readonly stack: string;
  /** Where Pulumi.<stack>.yaml is. */
  readonly projectDir: string;
  /** A fleet file other than the stack's `fleetFile`. */
  readonly fleetFile?: string;
  /** Outputs the mocks return (default none: every computed value shows as unknown). */
  readonly fakeOutputs?: OutputFaker;
}

const PROJECT = "node-fleet";
const PLACEHOLDER_SECRET = "offline-plan-placeholder";

/** Runs the real stack program (src/program.ts) under Pulumi's mock runtime with the
 *  stack's committed config and records everything it declares. The stack file and
 *  the fleet are checked first, so bad input fails with positions before any mock
 *  runs. Mocks are process-wide: call this once per process. */
export async function planStack(options: PlanOptions): Promise<StackPlan> {
  const { stack: file, issues } = readStackFile(options.projectDir, options.stack);
  if (!file) throw new InvalidInputError(issues);
  const settings = { ...file.settings, fleetFile: resolve(options.projectDir, options.fleetFile ?? file.settings.fleetFile) };
  const validation = validateFleetFile(settings.fleetFile, loadCatalog());
  if (!validation.fleet || hasErrors(validation.issues)) throw new InvalidInputError(validation.issues);
  const needed: string[] = [SECRET_KEYS.hcloudToken, SECRET_KEYS.cloudflareToken];
  if (settings.features.autoRegistration) needed.push(SECRET_KEYS.registrationToken);
  const config = stackConfigMap(settings, settings.features.autoRegistration ? { registrationToken: PLACEHOLDER_SECRET } : {});

  const recorded = await installRecorder(PROJECT, options.stack, options.fakeOutputs ?? (() => ({})));
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
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
  const components = new Map(recorded.filter((r) => r.type === "node-fleet:index:HostingNode").map((r) => [r.name, r]));
  const nodes = await Promise.all(Object.entries(outputs.nodes).map(async ([hostname, out]) => {
    const component = components.get(hostname);
    return {
      hostname,
      fqdn: await known(out.fqdn),
      monthlyCostEur: await known(out.monthlyCostEur),
      protect: component?.protect ?? false,
      resources: (component ? children.get(component.urn) ?? [] : []).map((r) => planned(r, byUrn)),
    };
  }));
  const fleet = recorded.find((r) => r.type === "node-fleet:index:Fleet");
  return {
    stack: options.stack,
    environment: outputs.environment,
    nodes: nodes.sort((a, b) => a.hostname.localeCompare(b.hostname)),
    fleetResources: (fleet ? children.get(fleet.urn) ?? [] : []).filter((r) => r.custom).map((r) => planned(r, byUrn)),
    resourceCount: recorded.filter((r) => r.custom).length,
    totalMonthlyCostEur: outputs.totalMonthlyCostEur ?? 0,
    secretsNeeded: needed.filter((key) => !file.secretsSet.includes(key)),
  };
}

/** Stack settings as the Pulumi engine hands config to a program: one text value per
 *  namespaced key (structured values as JSON), plus secrets and which keys are secret. */
export function stackConfigMap(settings: StackSettings, secrets: { registrationToken?: string }): {
  values: Record<string, string>; secretKeys: string[];
} {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined) values[`${CONFIG_NAMESPACE}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  if (secrets.registrationToken !== undefined) values[SECRET_KEYS.registrationToken] = secrets.registrationToken;
  return { values, secretKeys: [SECRET_KEYS.registrationToken] };
}

function planned(r: RecordedResource, byUrn: Map<string, RecordedResource>): PlannedResource {
  return {
    type: r.type,
    name: r.name,
    urn: engineUrn(r, byUrn),
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
function engineUrn(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
  const parent = byUrn.get(r.parent);
  if (!parent || parent.type === "pulumi:pulumi:Stack") return `urn:pulumi:${pulumi.getStack()}::${PROJECT}::${r.type}::${r.name}`;
  const parentUrn = engineUrn(parent, byUrn);
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
