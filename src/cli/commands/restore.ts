import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { auditSinksFromEnv } from "../../audit/config";
import { OperationFailedError, OperationRefusedError } from "../../automation/errors";
import type { FleetEvent } from "../../automation/events";
import { NODE_BACKUP_EXIT } from "../../backup/exit-codes";
import { RestoreFailedError } from "../../restore/node-command";
import type { RestoreReport } from "../../restore/restore-node";
import { table } from "../../format/table";
import { EXIT, type Io } from "../format";

interface RestoreFlags {
  stack: string;
  project: string;
  from?: string;
  snapshot: string;
  overwrite?: boolean;
  drill?: boolean;
  json?: boolean;
  correlationId?: string;
  auditFile?: string;
}

/** `fleet restore HOST`: a thin caller of src/restore's restoreNode. Its exit codes are
 *  the node's (src/backup/exit-codes.ts), so each fault has its own. */
export function registerRestoreCommand(program: Command, io: Io, env: NodeJS.ProcessEnv, setCode: (code: number) => void): void {
  program.command("restore")
    .description("restore a node's domains from its off-node backup (or a predecessor's with --from); --drill only checks a backup restores")
    .argument("<hostname>", "the node to restore onto")
    .requiredOption("--stack <stack>", "stack name (prd, stg, dev)")
    .option("--project <dir>", "project directory holding Pulumi.yaml", ".")
    .option("--from <hostname>", "restore the backup of this node (the one the target replaces)")
    .option("--snapshot <id>", "latest, or a snapshot id from the node's repository", "latest")
    .option("--overwrite", "restore over domains the node already hosts")
    .addOption(new Option("--drill", "restore into a scratch directory on the node and check every archive; change nothing").conflicts("overwrite"))
    .option("--json", "print the report as JSON")
    .option("--correlation-id <id>", "correlation id to use (default: a new UUID)")
    .addOption(new Option("--audit-file <file>", "JSON-lines audit file, or \"off\""))
    .action(async (hostname: string, flags: RestoreFlags) => {
      setCode(await restoreCommand(io, env, hostname, flags));
    });
}

async function restoreCommand(io: Io, env: NodeJS.ProcessEnv, hostname: string, flags: RestoreFlags): Promise<number> {
  const onEvent = (event: FleetEvent) => {
    if (event.kind === "notice") io.err(`notice: ${event.message}`);
  };
  // The Automation API loads the Pulumi SDK (about a second): only when a restore runs.
  const [{ FleetAutomation }, { PulumiCliError }, { restoreNode }] = await Promise.all([
    import("../../automation/operations.js"), import("../../automation/pulumi-cli.js"), import("../../restore/restore-node.js")]);
  const fleet = new FleetAutomation({
    stack: flags.stack, projectDir: resolve(flags.project), env, auditSinks: auditSinksFromEnv(env, flags.auditFile), onEvent,
  });
  try {
    const report = await restoreNode(fleet, hostname, {
      snapshot: flags.snapshot, overwrite: flags.overwrite ?? false, drill: flags.drill ?? false,
      ...(flags.from ? { from: flags.from } : {}), ...(flags.correlationId ? { correlationId: flags.correlationId } : {}),
    });
    print(io, report, flags.json ?? false);
    return EXIT.ok;
  } catch (err) {
    const [code, message] = failure(err, PulumiCliError);
    if (flags.json) io.out(JSON.stringify({ kind: "error", exitCode: code, message }));
    io.err(`fleet restore: ${message}`);
    return code;
  }
}

function failure(err: unknown, PulumiCliError: typeof import("../../automation/pulumi-cli").PulumiCliError): [number, string] {
  if (err instanceof PulumiCliError) return [EXIT.toolMissing, err.message];
  if (err instanceof RangeError) return [EXIT.usage, err.message];
  if (err instanceof OperationRefusedError) {
    return [NODE_BACKUP_EXIT.restoreRefused, `refused: ${err.message}${err.steps.length ? `; ${err.steps.join("; ")}` : ""} (correlation ${err.correlationId})`];
  }
  if (err instanceof OperationFailedError) {
    const cause = err.cause;
    if (cause instanceof RestoreFailedError) return [cause.exitCode, `${cause.message} (correlation ${err.correlationId})`];
    if (cause instanceof RangeError) return [EXIT.usage, cause.message];
    return [EXIT.operationFailed, `${err.message} (correlation ${err.correlationId})`];
  }
  throw err;
}

function print(io: Io, report: RestoreReport, json: boolean): void {
  const { operation, ...rest } = report;
  if (json) {
    io.out(JSON.stringify({ kind: "result", ...rest, correlationId: operation.correlationId, durationSeconds: operation.durationSeconds }));
    return;
  }
  if (report.snapshot) io.out(`snapshot ${report.snapshot.id.slice(0, 8)} of ${report.from}, taken ${report.snapshot.time}`);
  for (const moved of report.addressesMoved) io.out(`addresses: domains on ${moved.from} moved to ${moved.to}`);
  if (!report.drill) io.out(table(["DOMAIN", "ANSWERS"], report.answers.map((a) => [a.domain, a.detail])));
  io.out(`${report.summary} in ${operation.durationSeconds} s (correlation ${operation.correlationId})`);
}
