// What the Pulumi engine and the providers DO with what the program declares, modelled
// from their source at the versions this project pins (pulumi v3.248.0, pulumi-command
// v1.2.1 on pulumi-go-provider v1.3.0, terraform-provider-hcloud v1.68.0). Mocks only
// record declarations; every test whose point is the engine's behaviour goes through here.
// The step rules themselves (ignoreChanges, replacementTrigger, protection) and the
// replace-on-change table live in src/review, shared with `fleet diff`'s prediction.
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { processIgnoreChanges, protectBlocksDelete, protectBlocksDependentReplace, protectBlocksReplace, replacementInputs, same, shouldTriggerReplace } from "../../src/review/engine-rules";
import { REPLACE_TABLE } from "../../src/review/replace-table";

/** The working directory of the program and of every plugin the engine starts (the
 *  command provider among them): pulumi pkg/engine/project.go getPwdMain — the project
 *  root without `main`, the folder of `main` when it names a file, `main` itself when it
 *  names a folder. Plugins get it through plugin.NewContextWithRoot (pkg/engine/deployment.go)
 *  and sdk/go/common/resource/plugin/plugin.go execPlugin (`cmd.Dir = pwd`). */
export function engineWorkingDir(projectDir: string, main?: string): { pwd: string; main: string } {
  if (main === undefined || main === "") return { pwd: projectDir, main: "." };
  const target = isAbsolute(main) ? main : resolve(projectDir, main);
  if (!existsSync(target)) throw new Error(`project 'main' could not be read: ${target}`);
  return statSync(target).isDirectory() ? { pwd: target, main: "." } : { pwd: dirname(target), main: target.slice(dirname(target).length + 1) };
}

/** The file the nodejs language host loads: sdk/nodejs/cmd/run/run.ts run() — `main` from
 *  Pulumi.yaml when given, else package.json `exports`/`main` (resolveEntrypoint). */
export function nodejsEntrypoint(pwd: string, main: string, pkg: { main?: string; exports?: unknown }): string {
  const program = join(pwd, main);
  if (main !== ".") return program;
  const entry = typeof pkg.exports === "string" ? pkg.exports : pkg.main;
  return entry !== undefined && existsSync(join(pwd, entry)) ? join(pwd, entry) : program;
}

/** The working directory of a command: pulumi-command provider/pkg/provider/local/
 *  commandOutputs.go run() — `dir` when set, else the provider's own (os.Getwd()). */
export function commandWorkingDir(providerDir: string, dir?: string): string {
  return dir ?? providerDir;
}

/** One resource as the engine keeps it: what the program registered, plus the options
 *  that decide steps. */
export interface EngineResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  /** The replacementTrigger value; undefined when none was set. */
  readonly replacementTrigger: unknown;
  readonly inputs: Record<string, unknown>;
  /** Input property → URNs its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Every resource it waits for (property dependencies and dependsOn). */
  readonly dependencies: readonly string[];
  readonly customTimeouts: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

/** Inputs whose change makes the provider answer "replace" in Diff: the providers'
 *  ForceNew/RequiresReplace fields and pulumi-command's replaceOnChanges, from the one
 *  table `fleet diff` predicts with (src/review/replace-table.ts). */
function replaceOn(type: string): readonly string[] {
  return REPLACE_TABLE[type]?.replace ?? [];
}

export type StepOp = "create" | "same" | "update" | "replace" | "delete" | "delete-replaced";

/** One step the engine takes, with what the provider then runs or calls. */
export interface Step {
  readonly op: StepOp;
  readonly name: string;
  readonly type: string;
  /** Command lines the command provider runs for this step, in order. */
  readonly runs: readonly string[];
  /** Hetzner API calls of the step that matter for the node (e.g. a hard power-off). */
  readonly calls: readonly string[];
}

/** The outcome of one `pulumi up` (no preview: --skip-preview or the Automation API). */
export interface Deployment {
  readonly steps: readonly Step[];
  /** The engine's or the provider's error that stopped the update. */
  readonly error?: string;
  /** The state after the update: the previous state where the update stopped. */
  readonly state: readonly EngineResource[];
}

/** Hetzner's side of the servers, which outlives a deployment: whether each server (by
 *  its name input, the node's hostname) runs, and API calls that will fail. */
export interface Hetzner {
  readonly running: Map<string, boolean>;
  /** Call → the API's error, e.g. `change_type` → "server type sold out". */
  readonly failing: Map<string, string>;
}

export function hetznerCloud(): Hetzner {
  return { running: new Map(), failing: new Map() };
}

/** What pulumi-command runs: local/commandController.go Create (create), Update (update,
 *  else create, else nothing), Delete (the OLD state's delete). */
function commandRuns(op: "create" | "update" | "delete", inputs: Record<string, unknown>): string[] {
  const pick = op === "update" ? (inputs.update ?? inputs.create) : inputs[op];
  return typeof pick === "string" ? [pick] : [];
}

const env = (inputs: Record<string, unknown>) => (inputs.environment ?? {}) as Record<string, unknown>;

/** What the node's power steps do at Hetzner when they run (ansible/bin/power-off and
 *  power-on): power-off shuts a running server down cleanly when the declared size
 *  differs from the one it printed last time (its old NODE_SERVER_TYPE); power-on
 *  powers the server on whenever Hetzner reports it off. */
function powerStep(command: string | undefined, old: EngineResource | undefined, inputs: Record<string, unknown>, cloud: Hetzner): string[] {
  const server = String(env(inputs).NODE_HOSTNAME);
  if (command === "ansible/bin/power-off" && old && env(old.inputs).NODE_SERVER_TYPE !== env(inputs).NODE_SERVER_TYPE
    && cloud.running.get(server) === true) {
    cloud.running.set(server, false);
    return ["shutdown"];
  }
  if (command === "ansible/bin/power-on" && cloud.running.get(server) === false) {
    cloud.running.set(server, true);
    return ["poweron"];
  }
  return [];
}

/** Hetzner calls that decide a node's fate, from internal/server/resource.go (v1.68.0):
 *  resourceServerUpdate powers the server off hard (Poweroff) when it is running, then
 *  ChangeType, and never powers it on again; resourceServerDelete shuts down first with
 *  shutdown_before_deletion; the API refuses to delete a server whose delete protection
 *  is on (the old state's, since an update and a replacement never happen in one step);
 *  a created server runs. */
function serverCalls(op: StepOp, old: EngineResource | undefined, inputs: Record<string, unknown>, cloud: Hetzner): { calls: string[]; error?: string } {
  const calls: string[] = [];
  if ((op === "delete" || op === "replace") && old) {
    if (old.inputs.deleteProtection === true) return { calls, error: `hcloud: server ${old.name} is delete-protected (protected)` };
    calls.push(old.inputs.shutdownBeforeDeletion === true ? "shutdown+delete" : "delete");
    cloud.running.delete(String(old.inputs.name));
  }
  if (op === "update" && old && !same(old.inputs.serverType, inputs.serverType)) {
    const name = String(inputs.name);
    if (cloud.running.get(name) === true) calls.push("poweroff");
    cloud.running.set(name, false);
    const refusal = cloud.failing.get("change_type");
    if (refusal) return { calls, error: `hcloud: change_type of ${name}: ${refusal}` };
    calls.push("change_type");
  }
  if (op === "create" || op === "replace") {
    calls.push("create");
    cloud.running.set(String(inputs.name), true);
  }
  return { calls };
}

/** The order the program's registrations reach the engine. The SDK sends a
 *  RegisterResource only once every resource it waits for has answered, and the engine
 *  answers only after that resource's step is applied (pkg/resource/deploy/source_eval.go
 *  resmon.RegisterResource waits for the step's result): resources with plain inputs
 *  register first, each further resource one round after the last one it waits for. */
export function registrationOrder(declared: readonly EngineResource[]): EngineResource[] {
  const done = new Set<string>();
  const order: EngineResource[] = [];
  let rest = [...declared];
  while (rest.length > 0) {
    const round = rest.filter((r) => r.dependencies.every((urn) => done.has(urn) || !declared.some((d) => d.urn === urn)));
    if (round.length === 0) throw new Error(`dependency cycle among ${rest.map((r) => r.name).join(", ")}`);
    order.push(...round);
    for (const r of round) done.add(r.urn);
    rest = rest.filter((r) => !done.has(r.urn));
  }
  return order;
}

/** One `pulumi up` over the previous state: step_generator.go generateSteps /
 *  generateStepsFromDiff / continueStepsFromDiff for registrations, then generateDeletes,
 *  with step.go DeleteStep.Apply for protection and retainOnDelete. Steps run one after
 *  another in the order the registrations arrive (step_executor.go ExecuteSerial runs a
 *  chain in order); the first error stops the deployment (cancelDueToError), and what
 *  was done before it stays done. */
export function deploy(previous: readonly EngineResource[], declared: readonly EngineResource[], cloud: Hetzner = hetznerCloud()): Deployment {
  const olds = new Map(previous.map((r) => [r.urn, r]));
  const replaced = new Set<string>();
  const deleted = new Set<string>();
  /** Commands that ran: pulumi-command records their stdout as an output (local/
   *  commandOutputs.go run()), and the power-off step prints a fresh run id, so what
   *  reads a command's output sees a new value whenever it ran. */
  const ranCommands = new Set<string>();
  const steps: Step[] = [];
  const state: EngineResource[] = [];
  // Steps already taken stay in the state; what was not reached keeps its old entry.
  const result = (error?: string): Deployment => {
    const reached = new Set(state.map((r) => r.urn));
    const rest = previous.filter((r) => !reached.has(r.urn) && !deleted.has(r.urn));
    return { steps, state: [...state, ...rest], ...(error ? { error } : {}) };
  };
  const deleteCalls = (old: EngineResource): { runs: string[]; calls: string[]; error?: string } => {
    if (!old.custom || old.retainOnDelete) return { runs: [], calls: [] };
    if (old.type === "command:local:Command") return { runs: commandRuns("delete", old.inputs), calls: [] };
    if (old.type === "hcloud:index/server:Server") return { runs: [], ...serverCalls("delete", old, {}, cloud) };
    if (old.type === "hcloud:index/rdns:Rdns") return { runs: [], calls: ["reset ptr"] };
    return { runs: [], calls: [] };
  };

  for (const next of registrationOrder(declared)) {
    const old = olds.get(next.urn);
    if (!next.custom) { state.push(next); continue; }
    if (!old || deleted.has(old.urn)) {
      // A new resource, or one a delete-before-replace chain deleted first (generateSteps: recreating).
      const provider = next.type === "hcloud:index/server:Server" ? serverCalls("create", undefined, next.inputs, cloud) : { calls: [] };
      const isCommand = next.type === "command:local:Command";
      const runs = isCommand ? commandRuns("create", next.inputs) : [];
      const power = isCommand ? powerStep(runs[0], undefined, next.inputs, cloud) : [];
      if (isCommand && runs.length > 0) ranCommands.add(next.urn);
      steps.push({ op: old ? "replace" : "create", name: next.name, type: next.type, runs, calls: [...provider.calls, ...power] });
      state.push(next);
      continue;
    }
    const diffed = processIgnoreChanges(next.inputs, old.inputs, next.ignoreChanges);
    const changed = Object.keys({ ...diffed, ...old.inputs }).filter((key) =>
      !same(diffed[key], old.inputs[key]) || (next.propertyDependencies[key] ?? []).some((urn) => replaced.has(urn) || ranCommands.has(urn)));
    const forceNew = changed.filter((key) => replaceOn(next.type).includes(key));
    const replace = shouldTriggerReplace(next.replacementTrigger, old.replacementTrigger) || forceNew.length > 0;
    const op: StepOp = replace ? "replace" : changed.length > 0 ? "update" : "same";
    const inputs = replace ? replacementInputs(next.inputs) : diffed;
    if (replace) {
      // continueStepsFromDiff: "we do allow unprotecting and replacing to happen in a single update".
      if (protectBlocksReplace(next.protect, old.protect)) return result(`unable to replace resource "${next.urn}" as it is currently marked for protection`);
      if (next.deleteBeforeReplace) {
        // calculateDependentReplacements: dependents whose replace-causing inputs come from it
        // (transitively), checked on their OLD protection, then deleted in reverse order
        // before the root itself.
        const chain = new Set([next.urn]);
        const dependents: EngineResource[] = [];
        for (const dependent of previous) {
          if (!replaceOn(dependent.type).some((key) => (dependent.propertyDependencies[key] ?? []).some((urn) => chain.has(urn)))) continue;
          if (protectBlocksDependentReplace(dependent.protect)) {
            return result(`unable to replace resource "${dependent.urn}" as part of replacing "${next.urn}" as it is currently marked for protection`);
          }
          chain.add(dependent.urn);
          dependents.push(dependent);
        }
        for (const dependent of dependents.reverse()) {
          const gone = deleteCalls(dependent);
          steps.push({ op: "delete-replaced", name: dependent.name, type: dependent.type, runs: gone.runs, calls: gone.calls });
          deleted.add(dependent.urn);
        }
      }
      replaced.add(next.urn);
    }
    let runs: string[] = [];
    let calls: string[] = [];
    if (next.type === "command:local:Command") {
      const replacement = next.deleteBeforeReplace
        ? [...commandRuns("delete", old.inputs), ...commandRuns("create", inputs)]
        : [...commandRuns("create", inputs), ...commandRuns("delete", old.inputs)];
      runs = op === "replace" ? replacement : op === "update" ? commandRuns("update", inputs) : [];
      if (runs.length > 0) ranCommands.add(next.urn);
      calls = runs.flatMap((run) => powerStep(run, old, inputs, cloud));
    } else if (next.type === "hcloud:index/server:Server") {
      const provider = serverCalls(op, old, inputs, cloud);
      if (provider.error) {
        if (provider.calls.length > 0) steps.push({ op, name: next.name, type: next.type, runs, calls: provider.calls });
        return result(provider.error);
      }
      calls = provider.calls;
    }
    steps.push({ op, name: next.name, type: next.type, runs, calls });
    state.push({ ...next, inputs });
  }

  // generateDeletes: what is no longer declared goes, dependents first (reverse order of registration).
  const declaredUrns = new Set(declared.map((r) => r.urn));
  for (const old of [...previous].reverse()) {
    if (declaredUrns.has(old.urn) || deleted.has(old.urn)) continue;
    if (protectBlocksDelete(old.protect)) return result(`resource "${old.urn}" cannot be deleted because it is protected`);
    const gone = deleteCalls(old);
    if (gone.error) return result(gone.error);
    steps.push({ op: "delete", name: old.name, type: old.type, runs: gone.runs, calls: gone.calls });
    deleted.add(old.urn);
  }
  return result();
}

/** The step of a resource by name (a node's hostname plus a role suffix, e.g. `-server`):
 *  the one taken at its registration, not the early delete of a replacement chain. */
export function stepOf(deployment: Deployment, name: string): Step | undefined {
  return deployment.steps.find((s) => s.name === name && s.op !== "delete-replaced");
}
