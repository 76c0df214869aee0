import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { auditSinksFromEnv } from "../../audit/config";
import { OperationFailedError, OperationRefusedError } from "../../automation/errors";
import { describeChanges, type FleetEvent } from "../../automation/events";
import type { DriftReport, FleetAutomation, Report } from "../../automation/operations";
import { NODE_BACKUP_EXIT } from "../../backup/exit-codes";
import { channelsFromEnv } from "../../notify/channels";
import { DEFAULT_RATE_LIMITS } from "../../notify/limiter";
import { notifyDeployment } from "../../notify/notifier";
import { table } from "../../format/table";
import { RestoreFailedError } from "../../restore/node-command";
import { holdSignals } from "../../source/hold-signals";
import { EXIT, type Io } from "../format";
import { duration, LiveBoard, phaseLine, renderBoard } from "../phase-board";
import { runEnvironment, stackOrEnvironment, withEnvironmentOptions, type EnvironmentOperation, type ErrorClasses } from "./environment-run";

export interface OperationsEnv {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal: the phase table is then redrawn in place. */
  readonly tty: boolean;
  /** Raw writes to stderr for the live table. */
  readonly writeErr: (text: string) => void;
}

interface CommonOptions {
  stack: string;
  project: string;
  json?: boolean;
  correlationId?: string;
  message?: string;
  auditFile?: string;
}

type Run = (fleet: FleetAutomation, opts: CommonOptions & Record<string, unknown>, args: string[]) => Promise<void>;

/** Registers preview, up, refresh, destroy, rebuild, reprovision, drift, outputs and history: each a
 *  thin caller of src/automation. `setCode` receives the exit code. */
export function registerOperations(program: Command, ctx: OperationsEnv, setCode: (code: number) => void): void {
  const add = (name: string, description: string, run: Run, configure: (c: Command) => Command = (c) => c, shards?: EnvironmentOperation) => {
    const base = configure(program.command(name).description(description));
    const cmd = (shards ? withEnvironmentOptions(base.option("--stack <stack>", "stack name (prd, stg, dev, or a shard: prd-fsn1-a)"))
      : base.requiredOption("--stack <stack>", "stack name (prd, stg, dev, or a shard: prd-fsn1-a)"))
      .option("--project <dir>", "project directory holding Pulumi.yaml", ".")
      .option("--json", "one JSON event per line on stdout, for tools")
      .option("--correlation-id <id>", "correlation id to use (default: a new UUID)")
      .option("--message <text>", "update message for the stack's history")
      .addOption(new Option("--audit-file <file>", "JSON-lines audit file, or \"off\" (default: $NODE_FLEET_AUDIT_FILE or ~/.local/state/node-fleet/audit.jsonl)"));
    cmd.action(async (...params: unknown[]) => {
      const opts = params.at(-2) as CommonOptions & Record<string, unknown>;
      const args = params.slice(0, -2).filter((p): p is string => typeof p === "string");
      if (shards) {
        const choice = stackOrEnvironment(ctx, opts);
        if (typeof choice === "number") return setCode(choice);
        if (choice.environment) return setCode(await runEnvironment(ctx, shards, { ...opts, ...choice.environment }, describe));
      }
      // A rebuild gives Hetzner's protection back before it ends (FleetAutomation.rebuildNode):
      // a signal is held until fleet has said how the rebuild ended, then ends the process.
      const held = name === "rebuild" ? holdSignals() : undefined;
      try {
        setCode(await execute(ctx, opts, (fleet) => run(fleet, opts, args)));
      } finally {
        held?.release();
      }
    });
  };

  const deploy = (op: "preview" | "up" | "refresh" | "destroy" | "drift"): Run => async (fleet, opts) => {
    const run = { ...runOptions(opts) };
    if (op === "up") {
      const report = await announced(ctx, opts.stack, "up", "fleet", () => fleet.up({ ...run, allAtOnce: opts.allAtOnce === true }));
      if (!opts.json) printReport(ctx, opts, report);
      // A successor this deployment created takes over its predecessor's customers now;
      // with --json the result line comes last, holding the restores.
      const { restoreSuccessors } = await import("../../restore/successors.js");
      const restores = await restoreSuccessors(fleet, report);
      if (opts.json) {
        printReport(ctx, opts, report, { restores: restores.map(({ operation, ...rest }) => ({ ...rest, durationSeconds: operation.durationSeconds })) });
      }
      for (const restored of opts.json ? [] : restores) ctx.io.out(`${restored.hostname}: ${restored.summary}; ${restored.answers.length} domains answer`);
      return;
    }
    const report = op === "preview" ? await fleet.preview(run) : op === "refresh" ? await fleet.refresh(run)
      : op === "destroy" ? await fleet.destroy(run) : await fleet.drift(run);
    printReport(ctx, opts, report);
  };
  add("preview", "show what `up` would change, per node", deploy("preview"), undefined, "preview");
  add("up", "deploy the stack, with a live per-node phase table", deploy("up"),
    (c) => c.option("--all-at-once", "re-provision every node a change reaches in this update, not only a rollout's first wave"), "up");
  add("refresh", "read the real state of every resource into the stack", deploy("refresh"), undefined, "refresh");
  add("destroy", "destroy the stack (refused while nodes are protected)", deploy("destroy"));
  add("drift", "list resources whose real state differs from the stack's (a refresh preview)", deploy("drift"));
  add("rebuild", "replace one node's server and re-run everything that follows it", async (fleet, opts, [hostname]) => {
    const reason = opts.overrideProtection as string | undefined;
    const report = await announced(ctx, opts.stack, "rebuild", hostname!, () =>
      fleet.rebuildNode(hostname!, { ...runOptions(opts), ...(reason !== undefined ? { overrideProtection: { reason } } : {}) }));
    printReport(ctx, opts, report);
  }, (c) => c.argument("<hostname>", "the node to rebuild")
    .option("--override-protection <reason>", "rebuild a protected node; the reason goes into the audit record"));
  add("reprovision", "re-run one node's provisioning step with the whole playbook, and nothing else", async (fleet, opts, [hostname]) => {
    printReport(ctx, opts, await announced(ctx, opts.stack, "reprovision", hostname!, () => fleet.reprovisionNode(hostname!, runOptions(opts))));
  }, (c) => c.argument("<hostname>", "the node to re-provision"));
  add("outputs", "print the stack's outputs (secrets masked unless --show-secrets)", async (fleet, opts) => {
    const outputs = await fleet.outputs({ showSecrets: opts.showSecrets === true });
    if (opts.json) ctx.io.out(JSON.stringify(outputs));
    else for (const [key, value] of Object.entries(outputs)) ctx.io.out(`${key}: ${JSON.stringify(value)}`);
  }, (c) => c.option("--show-secrets", "print secret outputs in clear"));
  add("history", "the stack's latest updates", async (fleet, opts) => {
    const history = await fleet.history(Number(opts.limit));
    if (opts.json) {
      ctx.io.out(JSON.stringify(history));
      return;
    }
    ctx.io.out(table(["VERSION", "KIND", "RESULT", "STARTED", "DURATION", "MESSAGE"], history.map((u) => [
      u.version, u.kind, u.result, u.startTime.toISOString().slice(0, 19).replace("T", " "),
      u.endTime ? duration((u.endTime.getTime() - u.startTime.getTime()) / 1000) : "-", u.message,
    ])));
  }, (c) => c.addOption(new Option("--limit <n>", "how many updates").default("20").argParser((v) => {
    if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError("expected a positive whole number");
    return v;
  })));
}

/** Opens the library for the command, streams its events, and maps outcomes to exit codes. */
async function execute(ctx: OperationsEnv, opts: CommonOptions, body: (fleet: FleetAutomation) => Promise<void>): Promise<number> {
  const board = !opts.json && ctx.tty ? new LiveBoard(ctx.writeErr) : undefined;
  const onEvent = (event: FleetEvent) => {
    if (opts.json) ctx.io.out(JSON.stringify(event));
    else if (event.kind === "phase") board ? board.update(event) : ctx.io.err(phaseLine(event));
    else if (event.kind === "notice" || event.kind === "retry" || (event.kind === "diagnostic" && event.severity === "error")) {
      const line = `${event.kind === "diagnostic" ? "error" : event.kind}: ${event.message}`;
      if (board) board.message(line);
      else ctx.io.err(line);
    }
  };
  // The Automation API loads the Pulumi SDK (about a second): only a command that runs.
  const [{ FleetAutomation }, { PulumiCliError }, { SecretsConfigError, BackendConfigError }, { SuccessorRestoreError }] = await Promise.all([
    import("../../automation/operations.js"), import("../../automation/pulumi-cli.js"), import("../../automation/workspace.js"),
    import("../../restore/successors.js")]);
  const known = { PulumiCliError, SecretsConfigError, BackendConfigError, SuccessorRestoreError };
  const fleet = new FleetAutomation({
    stack: opts.stack, projectDir: resolve(opts.project), env: ctx.env,
    auditSinks: auditSinksFromEnv(ctx.env, opts.auditFile), onEvent,
  });
  try {
    await body(fleet);
    return EXIT.ok;
  } catch (err) {
    const [code, lines] = describe(err, known);
    if (opts.json) ctx.io.out(JSON.stringify({ kind: "error", exitCode: code, message: lines[0], steps: lines.slice(1) }));
    for (const line of lines) ctx.io.err(line);
    return code;
  }
}

/** The exit code and lines of a failed operation. */
export function describe(err: unknown, { PulumiCliError, SecretsConfigError, BackendConfigError, SuccessorRestoreError }: ErrorClasses): [number, string[]] {
  if (err instanceof PulumiCliError) return [EXIT.toolMissing, [`fleet: ${err.message}`]];
  if (err instanceof SuccessorRestoreError) return [restoreExitCode(err.cause), [`fleet: ${err.message}`]];
  if (err instanceof OperationRefusedError) return [EXIT.refused, [`fleet: refused: ${err.message}`, ...err.steps.map((s, i) => `  ${i + 1}. ${s}`)]];
  if (err instanceof OperationFailedError) return [EXIT.operationFailed, [`fleet: failed (correlation ${err.correlationId}): ${err.message}`]];
  if (err instanceof SecretsConfigError || err instanceof BackendConfigError) return [EXIT.invalidInput, [`fleet: ${err.message}`]];
  if (err instanceof RangeError) return [EXIT.usage, [`fleet: ${err.message}`]];
  const text = err instanceof Error ? err.message : String(err);
  const cliError = text.split("\n").map((l) => l.replace(/^\s*stderr:\s*/, "").trim()).find((l) => l.startsWith("error:"));
  return [EXIT.operationFailed, [`fleet: ${cliError ?? text.split("\n")[0]}`]];
}

/** Runs a deployment (`up`, `rebuild`, `reprovision`) and tells the notification channels of the
 *  environment (FLEET_NOTIFY_*) that it finished or failed. A refusal changed nothing and
 *  is still told, since someone expected a deployment; a missing Pulumi CLI is not (no
 *  deployment was attempted). A channel that fails is reported and changes no exit code. */
async function announced<R extends Report>(ctx: OperationsEnv, stack: string, operation: "up" | "rebuild" | "reprovision", subject: string,
  deployment: () => Promise<R>): Promise<R> {
  const tell = async (ok: boolean, summary: string, correlationId: string) => {
    const channels = channelsFromEnv(ctx.env);
    if (channels.length === 0) return;
    const delivery = await notifyDeployment({ hostname: subject, ok, summary, correlationId }, channels, {}, Date.now(), DEFAULT_RATE_LIMITS);
    for (const error of delivery.errors) ctx.io.err(`notification failed: ${error}`);
  };
  let report: R;
  try {
    report = await deployment();
  } catch (err) {
    if (err instanceof OperationFailedError || err instanceof OperationRefusedError) {
      const what = err instanceof OperationRefusedError ? "refused" : "failed";
      await tell(false, `${operation} of stack ${stack} ${what}: ${err.message} (correlation ${err.correlationId})`, err.correlationId);
    }
    throw err;
  }
  await tell(true, `${operation} of stack ${stack} succeeded in ${duration(report.durationSeconds)}: ${describeChanges(report.changes)}` +
    ` (correlation ${report.correlationId})`, report.correlationId);
  return report;
}

function runOptions(opts: CommonOptions): { correlationId?: string; message?: string } {
  return { ...(opts.correlationId ? { correlationId: opts.correlationId } : {}), ...(opts.message ? { message: opts.message } : {}) };
}

function printReport(ctx: OperationsEnv, opts: CommonOptions, report: Report | DriftReport, extra: Record<string, unknown> = {}): void {
  if (opts.json) {
    ctx.io.out(JSON.stringify({ kind: "result", ...report, ...extra }));
    return;
  }
  if (report.phases.length > 0 && report.operation !== "preview") for (const line of renderBoard(report.phases, new Date())) ctx.io.out(line);
  if (report.operation === "preview" || Object.keys(report.nodes).length > 0 && report.phases.length === 0) {
    const ops = (o: Record<string, number | undefined>) => Object.entries(o).map(([op, n]) => `${op} ${n}`).join(", ");
    ctx.io.out(table(["NODE", "CHANGES"], Object.entries(report.nodes).map(([host, o]) => [host, ops(o)])));
  }
  if ("drifted" in report) {
    if (report.drifted.length > 0) {
      ctx.io.out(table(["NODE", "RESOURCE", "CHANGE", "PROPERTIES"],
        report.drifted.map((d) => [d.hostname ?? "(fleet)", d.name, d.change, d.properties.join(", ")])));
    }
    for (const g of report.protectionOff) {
      ctx.io.out(`${g.hostname ?? "(fleet)"}: the program protects ${g.resource} ${g.id}, but its Hetzner ${g.off.join(" and ")} protection is off; ` +
        `turn it on again: ${g.fix}`);
    }
    if (report.drifted.length === 0 && report.protectionOff.length === 0) ctx.io.out("no drift");
    if (report.protectionUnchecked) ctx.io.err(`fleet drift: Hetzner protection not checked: ${report.protectionUnchecked}`);
  }
  ctx.io.out(`${report.operation} of stack ${report.stack} succeeded in ${duration(report.durationSeconds)} (correlation ${report.correlationId})`);
}

/** A failed restore's own exit code (src/backup/exit-codes.ts), as `fleet restore` ends with. */
function restoreExitCode(err: unknown): number {
  if (err instanceof OperationRefusedError) return NODE_BACKUP_EXIT.restoreRefused;
  if (err instanceof OperationFailedError && err.cause instanceof RestoreFailedError) return err.cause.exitCode;
  return EXIT.operationFailed;
}
