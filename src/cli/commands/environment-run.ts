import { resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { auditSinksFromEnv } from "../../audit/config";
import { correlationIdFor } from "../../automation/correlation";
import { describeChanges } from "../../automation/events";
import type { Report } from "../../automation/runner";
import { overallExitCode, runShards, type ShardResult } from "../../shard/orchestrate";
import { environmentStacks } from "../../shard/stacks";
import { table } from "../../format/table";
import { EXIT, type Io } from "../format";
import { duration } from "../phase-board";

/** The operations `--env` runs over every stack of an environment. */
export type EnvironmentOperation = "preview" | "up" | "refresh";

/** The error classes an operation's outcome is told by, loaded with the Automation API. */
export type ErrorClasses = {
  PulumiCliError: typeof import("../../automation/pulumi-cli").PulumiCliError;
  SecretsConfigError: typeof import("../../automation/workspace").SecretsConfigError;
  BackendConfigError: typeof import("../../automation/workspace").BackendConfigError;
  SuccessorRestoreError: typeof import("../../restore/successors").SuccessorRestoreError;
};
type Describe = (err: unknown, known: ErrorClasses) => [number, string[]];

interface EnvironmentOptions {
  readonly environment: string;
  readonly only?: readonly string[];
  readonly concurrency: number;
  readonly project: string;
  readonly json?: boolean;
  readonly correlationId?: string;
  readonly message?: string;
  readonly auditFile?: string;
  /** `fleet up --all-at-once`: every node a change re-provisions, not only a rollout's first wave. */
  readonly allAtOnce?: boolean;
}

/** Shards of an environment run at once by default: each is its own stack, state and
 *  Hetzner project, and two keep the engine processes within this kind of machine. */
const DEFAULT_CONCURRENCY = 2;

/** Adds --env, --shards and --concurrency beside --stack. */
export function withEnvironmentOptions(cmd: Command): Command {
  return cmd
    .option("--env <env>", "every stack of an environment (its own and its shards: prd, prd-fsn1-a, …) in parallel")
    .option("--shards <stacks>", "with --env: only these stacks, comma-separated (e.g. the matrix of `fleet diff --json`)")
    .option("--concurrency <n>", `with --env: stacks run at once (default ${DEFAULT_CONCURRENCY})`, (v) => {
      if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError("expected a positive whole number");
      return Number(v);
    });
}

/** Either --stack or --env, never both: the exit code of a usage error, or the choice. */
export function stackOrEnvironment(ctx: { io: Io }, opts: Record<string, unknown>):
  number | { environment?: { environment: string; only?: string[]; concurrency: number } } {
  const env = opts.env as string | undefined;
  if ((env === undefined) === (opts.stack === undefined)) {
    ctx.io.err("fleet: give one of --stack <stack> and --env <env>");
    return EXIT.usage;
  }
  if (env === undefined) {
    if (opts.shards !== undefined || opts.concurrency !== undefined) {
      ctx.io.err("fleet: --shards and --concurrency go with --env");
      return EXIT.usage;
    }
    return {};
  }
  const only = typeof opts.shards === "string" ? opts.shards.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
  return { environment: { environment: env, ...(only ? { only } : {}), concurrency: (opts.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY } };
}

/** `fleet up|preview|refresh --env prd`: every stack of the environment through the
 *  Automation API (one workspace each), a bounded number at once, under one correlation
 *  id. Each stack's result is printed as it ends; a failed stack is named with its exit
 *  code and the others go on. The exit code is the first failed stack's, else 0. */
export async function runEnvironment(ctx: { io: Io; env: NodeJS.ProcessEnv }, operation: EnvironmentOperation, opts: EnvironmentOptions,
  describe: Describe): Promise<number> {
  let stacks: string[];
  let correlationId: string;
  try {
    stacks = environmentStacks(resolve(opts.project), opts.environment, opts.only);
    correlationId = correlationIdFor(opts.correlationId);
  } catch (err) {
    ctx.io.err(`fleet: ${(err as Error).message}`);
    return EXIT.usage;
  }
  if (stacks.length === 0) {
    ctx.io.err(`fleet: no stack of ${opts.environment} in ${resolve(opts.project)} (expected Pulumi.${opts.environment}.yaml or shard files)`);
    return EXIT.usage;
  }
  const [{ FleetAutomation }, { PulumiCliError }, { SecretsConfigError, BackendConfigError }, { SuccessorRestoreError }] = await Promise.all([
    import("../../automation/operations.js"), import("../../automation/pulumi-cli.js"), import("../../automation/workspace.js"),
    import("../../restore/successors.js")]);
  const known = { PulumiCliError, SecretsConfigError, BackendConfigError, SuccessorRestoreError };
  const auditSinks = auditSinksFromEnv(ctx.env, opts.auditFile);
  const say = (line: string) => (opts.json ? ctx.io.out(line) : ctx.io.err(line));
  if (!opts.json) say(`${operation} of ${stacks.length} stack${stacks.length === 1 ? "" : "s"} of ${opts.environment} (correlation ${correlationId}): ${stacks.join(", ")}`);
  const results = await runShards(stacks, (stack) => {
    const fleet = new FleetAutomation({ stack, projectDir: resolve(opts.project), env: ctx.env, auditSinks,
      ...(opts.json ? { onEvent: (event) => ctx.io.out(JSON.stringify({ ...event, stack })) } : {}) });
    const run = { correlationId, ...(opts.message ? { message: opts.message } : {}) };
    return operation === "preview" ? fleet.preview(run) : operation === "up" ? fleet.up({ ...run, allAtOnce: opts.allAtOnce === true }) : fleet.refresh(run);
  }, {
    concurrency: opts.concurrency,
    exitCodeOf: (err) => describe(err, known)[0],
    onDone: (r) => say(opts.json ? JSON.stringify({ kind: "stack-result", ...summary(r as ShardResult<Report>) }) : resultLine(r as ShardResult<Report>)),
  });
  const code = overallExitCode(results);
  if (opts.json) {
    ctx.io.out(JSON.stringify({ kind: "result", operation, environment: opts.environment, correlationId, exitCode: code,
      stacks: results.map(summary) }));
  } else {
    ctx.io.out(table(["STACK", "RESULT", "EXIT", "TIME", "CHANGES"], results.map((r) => [
      r.stack, r.ok ? "succeeded" : "failed", String(r.exitCode), duration(r.seconds), r.ok ? describeChanges(r.report.changes) : r.message])));
    const failed = results.filter((r) => !r.ok);
    ctx.io.out(`${operation} of ${opts.environment}: ${results.length - failed.length} of ${results.length} stacks succeeded` +
      (failed.length > 0 ? `; failed: ${failed.map((r) => `${r.stack} (exit ${r.exitCode})`).join(", ")}` : "") + ` (correlation ${correlationId})`);
  }
  return code;
}

function summary(r: ShardResult<Report>) {
  return r.ok ? { stack: r.stack, ok: true, exitCode: 0, seconds: r.seconds, changes: r.report.changes }
    : { stack: r.stack, ok: false, exitCode: r.exitCode, seconds: r.seconds, message: r.message };
}

function resultLine(r: ShardResult<Report>): string {
  return r.ok ? `${r.stack}: succeeded in ${duration(r.seconds)}` : `${r.stack}: failed (exit ${r.exitCode}): ${r.message}`;
}
