import { randomUUID } from "node:crypto";
import { ConcurrentUpdateError, type EngineEvent, type OpMap, type OutputMap, type PulumiCommand,
  type Stack, type UpdateSummary } from "@pulumi/pulumi/automation";
import { detectActor } from "../audit/actor";
import { AUDIT_SCHEMA, type Actor, type AuditEvent, type AuditType } from "../audit/event";
import { AuditTrail, type AuditSink } from "../audit/sinks";
import { parseHostname } from "../fleet/naming";
import { correlationIdFor } from "./correlation";
import { driftFromEvents, type DriftedResource } from "./drift";
import { OperationFailedError, OperationRefusedError } from "./errors";
import { fromEngineEvent, type FleetEvent, type FleetEventPayload, type Operation } from "./events";
import { phaseAction, PhaseTracker, type PhaseProgress } from "./phases";
import { findPulumiCli } from "./pulumi-cli";
import { nodeResources, protectedNodes, stateResources, withDependents } from "./state";
import { runPulumi, openStack, PROJECT_DIR } from "./workspace";

export interface FleetAutomationOptions {
  readonly stack: string;
  /** Holds Pulumi.yaml; default: this package's directory. */
  readonly projectDir?: string;
  /** Where the backend, passphrase and secrets provider are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly auditSinks?: readonly AuditSink[];
  /** Who acts, when the caller knows better than git config or $USER (a platform user). */
  readonly actor?: string;
  /** Sees every event of every operation. */
  readonly onEvent?: (event: FleetEvent) => void;
  /** Retries while another update holds the stack's lock (nothing has run then). */
  readonly lockRetry?: { readonly attempts: number; readonly baseDelayMs: number };
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RunOptions {
  /** Given by a caller that already has one (a platform request id); else generated. */
  readonly correlationId?: string;
  /** The update's message in the stack's history; the correlation id is appended. */
  readonly message?: string;
  readonly onEvent?: (event: FleetEvent) => void;
  readonly signal?: AbortSignal;
}

export interface RebuildOptions extends RunOptions {
  /** Rebuild a protected node anyway. The reason is kept in the audit record. */
  readonly overrideProtection?: { readonly reason: string };
}

export interface Report {
  readonly operation: Operation;
  readonly stack: string;
  readonly correlationId: string;
  readonly durationSeconds: number;
  /** Resource changes by operation, as the engine counted them. */
  readonly changes: OpMap;
  /** Per node: resource operations (`create: 9`). */
  readonly nodes: Readonly<Record<string, OpMap>>;
  readonly phases: readonly PhaseProgress[];
}

export interface DeployReport extends Report {
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface DriftReport extends Report {
  readonly drifted: readonly DriftedResource[];
  /** Nodes with at least one drifted resource. */
  readonly driftedNodes: readonly string[];
}

interface Context {
  readonly stack: Stack;
  readonly correlationId: string;
  readonly message: string;
  readonly onEvent: (event: EngineEvent) => void;
  readonly signal?: AbortSignal;
  /** Sets the protection override shown by the operation's audit records. */
  override(reason: string, unprotected: readonly string[]): void;
}

const DEFAULT_LOCK_RETRY = { attempts: 3, baseDelayMs: 5000 };
const PROJECT = "node-fleet";

/** Preview, deploy, rebuild and inspect one stack of this project through Pulumi's
 *  Automation API. Every operation has a correlation id, streams FleetEvents, keeps
 *  per-node phases, and writes audit records to the configured sinks. */
export class FleetAutomation {
  private readonly projectDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private actorCache?: Actor;
  private cli?: PulumiCommand;

  constructor(private readonly options: FleetAutomationOptions) {
    this.projectDir = options.projectDir ?? PROJECT_DIR;
    this.env = options.env ?? process.env;
  }

  preview(opts: RunOptions = {}): Promise<Report> {
    return this.run("preview", opts, true, async (ctx) => {
      await ctx.stack.preview({ message: ctx.message, onEvent: ctx.onEvent, ...signal(ctx) });
    });
  }

  async up(opts: RunOptions = {}): Promise<DeployReport> {
    let outputs: OutputMap = {};
    const report = await this.run("up", opts, true, async (ctx) => {
      outputs = (await ctx.stack.up({ message: ctx.message, onEvent: ctx.onEvent, showSecrets: false, ...signal(ctx) })).outputs;
    });
    return { ...report, outputs: visibleOutputs(outputs) };
  }

  refresh(opts: RunOptions = {}): Promise<Report> {
    return this.run("refresh", opts, false, async (ctx) => {
      await ctx.stack.refresh({ message: ctx.message, onEvent: ctx.onEvent, showSecrets: false, ...signal(ctx) });
    });
  }

  /** Refused while any resource is protected: protection is lifted in fleet.yaml and
   *  applied with `up` first, so a destroy can never take a protected node by surprise. */
  destroy(opts: RunOptions = {}): Promise<Report> {
    return this.run("destroy", opts, false, async (ctx) => {
      const resources = stateResources(await ctx.stack.exportStack());
      const nodes = protectedNodes(resources);
      const others = resources.filter((r) => r.protect && !nodes.some((n) => r.urn.includes(`::${n}`)));
      if (nodes.length > 0 || others.length > 0) {
        const what = [nodes.length ? `protected nodes ${nodes.join(", ")}` : "", ...others.map((r) => r.urn)].filter(Boolean).join(", ");
        throw new OperationRefusedError(`stack ${this.options.stack} has ${what}; nothing was destroyed`, ctx.correlationId, [
          `set \`protect: false\` on those nodes in the fleet file (or node-fleet:protect: false in Pulumi.${this.options.stack}.yaml)`,
          `run \`fleet up --stack ${this.options.stack}\` so the state and the servers drop their protection`,
          `run \`fleet destroy --stack ${this.options.stack}\` again`,
        ]);
      }
      await ctx.stack.destroy({ message: ctx.message, onEvent: ctx.onEvent, showSecrets: false, ...signal(ctx) });
    });
  }

  /** Replaces the node's server and re-runs everything that follows it (reverse DNS, DNS
   *  records, provisioning, registration), and nothing else in the stack: the server and
   *  the provisioning step are `replace` targets, their dependents from the state are
   *  `target`s. A protected node is refused unless `overrideProtection` is given; then
   *  those resources are unprotected in the state first (the program protects them again
   *  in this same update), and the audit records carry the override and its reason. */
  rebuildNode(hostname: string, opts: RebuildOptions = {}): Promise<Report> {
    return this.run("rebuild", opts, false, async (ctx) => {
      if (!("name" in parseHostname(hostname))) {
        throw new OperationRefusedError(`"${hostname}" is not a node hostname (e.g. prd-sha-het-de-fsn1-001)`, ctx.correlationId);
      }
      const resources = stateResources(await ctx.stack.exportStack());
      const mine = nodeResources(resources, hostname);
      const server = mine.get("server");
      if (!server) {
        throw new OperationRefusedError(`node ${hostname} has no server in stack ${this.options.stack}`, ctx.correlationId,
          [`check the hostname (\`fleet outputs --stack ${this.options.stack}\` lists the nodes)`, "a node not deployed yet is created by `fleet up`"]);
      }
      const targets = withDependents(resources, server.urn);
      const guarded = targets.filter((r) => r.protect).map((r) => r.urn);
      if (guarded.length > 0) {
        if (!opts.overrideProtection?.reason.trim()) {
          throw new OperationRefusedError(`node ${hostname} is protected; nothing was rebuilt`, ctx.correlationId, [
            "rebuild it anyway with an explicit override and a reason (library: overrideProtection: { reason }; CLI: --override-protection REASON)",
            `or bump its \`rebuild\` counter in the fleet file and run \`fleet up --stack ${this.options.stack}\``,
          ]);
        }
        ctx.override(opts.overrideProtection.reason.trim(), guarded);
        await runPulumi(this.cliOrThrow(), { projectDir: this.projectDir, stack: this.options.stack, env: this.env, correlationId: ctx.correlationId },
          ["state", "unprotect", "--yes", "--stack", this.options.stack, ...guarded]);
      }
      const replace = [server.urn, ...[mine.get("provision")?.urn].filter((u): u is string => u !== undefined)];
      await ctx.stack.up({
        message: ctx.message, onEvent: ctx.onEvent, replace, target: targets.map((r) => r.urn), showSecrets: false, ...signal(ctx),
      });
    }, hostname);
  }

  /** A refresh preview: the resources whose real state differs from the recorded state. */
  async drift(opts: RunOptions = {}): Promise<DriftReport> {
    const events: EngineEvent[] = [];
    const report = await this.run("drift", opts, false, async (ctx) => {
      await ctx.stack.previewRefresh({
        message: ctx.message, onEvent: (e) => { events.push(e); ctx.onEvent(e); }, ...signal(ctx),
      });
    });
    const drifted = driftFromEvents(events);
    const driftedNodes = [...new Set(drifted.flatMap((d) => (d.hostname ? [d.hostname] : [])))].sort();
    return { ...report, drifted, driftedNodes };
  }

  /** The stack's outputs; secret ones read "[secret]" unless `showSecrets`. */
  async outputs(opts: { showSecrets?: boolean } = {}): Promise<Record<string, unknown>> {
    const stack = await this.open(correlationIdFor(), false);
    return visibleOutputs(await stack.outputs(), opts.showSecrets ?? false);
  }

  /** The latest updates first, without secret values. */
  async history(limit = 20): Promise<UpdateSummary[]> {
    const stack = await this.open(correlationIdFor(), false);
    return stack.history(limit, 1, false);
  }

  private async run(operation: Operation, opts: RunOptions, create: boolean,
    body: (ctx: Context) => Promise<void>, node?: string): Promise<Report> {
    const correlationId = correlationIdFor(opts.correlationId);
    this.cli ??= await findPulumiCli();
    const started = Date.now();
    const emit = (payload: FleetEventPayload) => {
      const event = { correlationId, operation, stack: this.options.stack, time: new Date().toISOString(), ...payload } as FleetEvent;
      this.options.onEvent?.(event);
      opts.onEvent?.(event);
    };
    const trail = new AuditTrail(this.options.auditSinks ?? [], (message) => emit({ kind: "notice", message }));
    let override: AuditEvent["protectionOverride"];
    const audit = (type: AuditType, action: string, extra: Partial<AuditEvent> = {}) => trail.record({
      schema: AUDIT_SCHEMA, id: randomUUID(), time: new Date().toISOString(), type, action, operation,
      project: PROJECT, stack: this.options.stack, correlationId, actor: this.actor(),
      ...(node ? { node } : {}), ...(override ? { protectionOverride: override } : {}), ...extra,
    });
    const tracker = new PhaseTracker((p) => {
      emit({ kind: "phase", ...p });
      const type: AuditType = p.state === "running" ? "phase.started" : p.state === "succeeded" ? "phase.succeeded" : "phase.failed";
      audit(type, p.state === "succeeded" ? phaseAction(p.phase) : `node_deployment_phase_${p.state === "running" ? "started" : "failed"}`, {
        node: p.hostname, phase: p.phase, ...(p.durationSeconds !== undefined ? { durationSeconds: p.durationSeconds } : {}),
        ...(p.message ? { message: p.message } : {}),
      });
    });
    let lastEventAt = Math.floor(started / 1000);
    const onEvent = (event: EngineEvent) => {
      lastEventAt = Math.max(lastEventAt, event.timestamp);
      tracker.handle(event);
      const payload = fromEngineEvent(event);
      if (payload) emit(payload);
    };
    const seconds = () => Math.round((Date.now() - started) / 100) / 10;
    const changes = (): OpMap => {
      const total: OpMap = {};
      for (const ops of tracker.operations.values()) for (const [op, n] of ops) total[op] = (total[op] ?? 0) + n;
      return total;
    };

    audit("operation.started", `fleet_${operation}_started`);
    emit({ kind: "operation", state: "started", ...(node ? { node } : {}) });
    try {
      const stack = await this.open(correlationId, create);
      const message = `${opts.message ?? `fleet ${operation}${node ? ` ${node}` : ""}`} [correlation ${correlationId}]`;
      await this.withLockRetry(emit, () => body({
        stack, correlationId, message, onEvent, ...(opts.signal ? { signal: opts.signal } : {}),
        override: (reason, unprotected) => { override = { reason, unprotected }; },
      }));
    } catch (err) {
      const refused = err instanceof OperationRefusedError;
      tracker.finish(false, lastEventAt);
      const message = errorText(err);
      audit(refused ? "operation.refused" : "operation.failed", `fleet_${operation}_${refused ? "refused" : "failed"}`,
        { durationSeconds: seconds(), message, changes: changes() });
      emit({ kind: "operation", state: refused ? "refused" : "failed", durationSeconds: seconds(), message, ...(node ? { node } : {}) });
      await trail.flush();
      if (refused || !(err instanceof Error) || err.name === "PulumiCliError" || err.name === "SecretsConfigError") throw err;
      throw new OperationFailedError(message, correlationId, tracker.progress());
    }
    tracker.finish(true, lastEventAt);
    audit("operation.succeeded", `fleet_${operation}_succeeded`, { durationSeconds: seconds(), changes: changes() });
    emit({ kind: "operation", state: "succeeded", durationSeconds: seconds(), ...(node ? { node } : {}) });
    await trail.flush();
    return {
      operation, stack: this.options.stack, correlationId, durationSeconds: seconds(), changes: changes(),
      nodes: Object.fromEntries([...tracker.operations].map(([host, ops]) => [host, Object.fromEntries(ops) as OpMap])),
      phases: tracker.progress(),
    };
  }

  private async withLockRetry(emit: (p: FleetEventPayload) => void,
    attempt: () => Promise<void>): Promise<void> {
    const { attempts, baseDelayMs } = this.options.lockRetry ?? DEFAULT_LOCK_RETRY;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof ConcurrentUpdateError) || n >= attempts) throw err;
        const delay = baseDelayMs * 2 ** (n - 1);
        emit({ kind: "retry", attempt: n + 1, delaySeconds: delay / 1000, message: "another update holds the stack's lock; nothing has run yet" });
        await sleep(delay);
      }
    }
  }

  private async open(correlationId: string, create: boolean): Promise<Stack> {
    this.cli ??= await findPulumiCli();
    return openStack({ projectDir: this.projectDir, stack: this.options.stack, env: this.env, correlationId, cli: this.cli, create });
  }

  private cliOrThrow(): PulumiCommand {
    if (!this.cli) throw new Error("the Pulumi CLI was not located before use");
    return this.cli;
  }

  private actor(): Actor {
    this.actorCache ??= this.options.actor ? { name: this.options.actor, source: "caller" } : detectActor(this.env, this.projectDir);
    return this.actorCache;
  }
}

function signal(ctx: Context): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

function visibleOutputs(outputs: OutputMap, showSecrets = false): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret && !showSecrets ? "[secret]" : o.value]));
}

/** The CLI's own error lines (`error: …`) without the Automation API's and execa's
 *  wrapping (`code: …`, `Command failed with exit code …: pulumi up …`). */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const lines = err.message.split("\n").map((l) => l.replace(/^\s*(stderr|stdout|err\?):\s*/, "").trim())
    .filter((l) => l !== "" && !/^code: /.test(l) && !/^Command failed with exit code/.test(l));
  const errors = lines.filter((l) => l.startsWith("error:"));
  return [...new Set(errors.length > 0 ? errors : lines.slice(0, 2))].join(" ");
}
