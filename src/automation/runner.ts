import { randomUUID } from "node:crypto";
import { ConcurrentUpdateError, type EngineEvent, type OpMap, type PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { detectActor } from "../audit/actor";
import { AUDIT_SCHEMA, type Actor, type AuditEvent, type AuditType } from "../audit/event";
import { AuditTrail, type AuditSink } from "../audit/sinks";
import { correlationIdFor } from "./correlation";
import { OperationFailedError, OperationRefusedError, StackLockedError } from "./errors";
import { fromEngineEvent, type FleetEvent, type FleetEventPayload, type Operation } from "./events";
import { phaseAction, PhaseTracker, type PhaseProgress } from "./phases";
import { findPulumiCli } from "./pulumi-cli";
import { openStack, PROJECT_DIR } from "./workspace";

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
  /** The health incident this operation answers; kept in its audit records. */
  readonly incidentId?: string;
  readonly onEvent?: (event: FleetEvent) => void;
  readonly signal?: AbortSignal;
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

export interface Context {
  readonly stack: Stack;
  readonly correlationId: string;
  readonly message: string;
  readonly onEvent: (event: EngineEvent) => void;
  readonly signal?: AbortSignal;
  /** Sets the protection override shown by the operation's audit records. */
  override(reason: string, unprotected: readonly string[], providerUnprotected: readonly string[]): void;
  /** Reports something the caller should know that does not fail the operation. */
  notice(message: string): void;
}

const DEFAULT_LOCK_RETRY = { attempts: 3, baseDelayMs: 5000 };
const PROJECT = "node-fleet";

/** Runs one operation on a stack: the correlation id, the CLI check, events to the
 *  callbacks, per-node phases, audit records, retries on a held lock, and the report. */
export class OperationRunner {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  private actorCache?: Actor;
  private cli?: PulumiCommand;

  constructor(readonly options: FleetAutomationOptions) {
    this.projectDir = options.projectDir ?? PROJECT_DIR;
    this.env = options.env ?? process.env;
  }

  async run(operation: Operation, opts: RunOptions, create: boolean,
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
      ...(node ? { node } : {}), ...(opts.incidentId ? { incidentId: opts.incidentId } : {}),
      ...(override ? { protectionOverride: override } : {}), ...extra,
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
    let summary: OpMap | undefined;
    const onEvent = (event: EngineEvent) => {
      lastEventAt = Math.max(lastEventAt, event.timestamp);
      if (event.summaryEvent) summary = event.summaryEvent.resourceChanges;
      tracker.handle(event);
      const payload = fromEngineEvent(event);
      if (payload) emit(payload);
    };
    const seconds = () => Math.round((Date.now() - started) / 100) / 10;
    // The engine's own count when its summary came; else the node resources' steps seen.
    const changes = (): OpMap => {
      if (summary) return summary;
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
        override: (reason, unprotected, providerUnprotected) => { override = { reason, unprotected, providerUnprotected }; },
        notice: (message) => emit({ kind: "notice", message }),
      }));
    } catch (err) {
      const refused = err instanceof OperationRefusedError;
      tracker.finish(false, lastEventAt);
      const message = errorText(err);
      audit(refused ? "operation.refused" : "operation.failed", `fleet_${operation}_${refused ? "refused" : "failed"}`,
        { durationSeconds: seconds(), message, changes: changes() });
      emit({ kind: "operation", state: refused ? "refused" : "failed", durationSeconds: seconds(), message, ...(node ? { node } : {}) });
      await trail.flush();
      if (refused || !(err instanceof Error) || err.name === "PulumiCliError" || err.name === "SecretsConfigError" || err.name === "BackendConfigError") throw err;
      if (stackLocked(err)) throw new StackLockedError(message, correlationId);
      throw new OperationFailedError(message, correlationId, tracker.progress(), { cause: err });
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
        if (!stackLocked(err) || n >= attempts) throw err;
        const delay = baseDelayMs * 2 ** (n - 1);
        emit({ kind: "retry", attempt: n + 1, delaySeconds: delay / 1000, message: "another update holds the stack's lock; nothing has run yet" });
        await sleep(delay);
      }
    }
  }

  async open(correlationId: string, create: boolean): Promise<Stack> {
    this.cli ??= await findPulumiCli();
    return openStack({ projectDir: this.projectDir, stack: this.options.stack, env: this.env, correlationId, cli: this.cli, create });
  }

  cliOrThrow(): PulumiCommand {
    if (!this.cli) throw new Error("the Pulumi CLI was not located before use");
    return this.cli;
  }

  private actor(): Actor {
    this.actorCache ??= this.options.actor ? { name: this.options.actor, source: "caller" } : detectActor(this.env, this.projectDir);
    return this.actorCache;
  }
}

/** Another update holds the stack's lock: the Automation API's ConcurrentUpdateError for
 *  an update, the CLI's message for a plain command (`pulumi state unprotect`). */
function stackLocked(err: unknown): boolean {
  return err instanceof ConcurrentUpdateError || (err instanceof Error && /stack is currently locked/.test(err.message));
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
