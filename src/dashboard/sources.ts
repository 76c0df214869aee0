import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { Catalog } from "../catalog/catalog";
import { validateFleetFile } from "../fleet/validate";
import type { NodeRecord } from "../health/model";
import { StateDir } from "../health/store";
import { planFleet, type NodePlan } from "../plan/node-plan";
import { hasErrors, InvalidInputError } from "../source/issues";
import { readStackFile } from "../stack/stack-file";

/** The stack outputs the dashboard shows (src/program.ts StackOutputs, src/components/fleet.ts
 *  NodeOutputs); secrets are never asked for. */
export const ShownOutputsSchema = z.object({
  nodes: z.record(z.string(), z.looseObject({
    fqdn: z.string().optional(), ipv4: z.string().optional(), ipv6: z.string().optional(), serverId: z.string().optional(),
    hostPublicKey: z.string().optional(),
  })).default({}),
});
export type ShownOutputs = z.infer<typeof ShownOutputsSchema>;

/** The last round as `fleet health --json` prints it (src/cli/commands/health.ts roundDocument). */
export const RoundDocumentSchema = z.object({
  checkedAt: z.string(),
  nodes: z.array(z.looseObject({
    hostname: z.string(), healthy: z.boolean(), state: z.string(),
    checks: z.array(z.looseObject({ name: z.string(), ok: z.boolean(), detail: z.string(), ms: z.number() })),
  })),
  backups: z.union([
    z.object({ ages: z.array(z.looseObject({ hostname: z.string(), ok: z.boolean(), detail: z.string(), lastSuccessAt: z.string().optional() })) }),
    z.object({ unavailable: z.string() }),
  ]).optional(),
});
export type RoundDocument = z.infer<typeof RoundDocumentSchema>;

/** The audit record fields the dashboard reads (src/audit/event.ts AuditEvent). */
export const AuditRecordSchema = z.looseObject({
  time: z.string(), type: z.string(), operation: z.string(), stack: z.string(), correlationId: z.string(),
  node: z.string().optional(), phase: z.string().optional(), durationSeconds: z.number().optional(), message: z.string().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** Everything the dashboard joins, read from the places the CLI writes them; a source
 *  that cannot be read is a one-line note, never a failed page. */
export interface DashboardSources {
  readonly stack: string;
  readonly plans: readonly NodePlan[];
  readonly outputs: ShownOutputs | { readonly unavailable: string };
  readonly records: readonly NodeRecord[];
  readonly round?: RoundDocument;
  readonly audit: readonly AuditRecord[];
  readonly notes: readonly string[];
}

export interface SourceOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly catalog: Catalog;
  readonly fleetFile?: string;
  /** The health state directory of the stack (`<state-dir>/<stack>`). */
  readonly healthDir: string;
  /** JSON-lines audit files to read (the operations' and health's own). */
  readonly auditFiles: readonly string[];
  /** The stack's outputs, as the health command reads them (src/health/stack.ts). */
  readonly outputs: () => Promise<unknown>;
}

/** Reads every source once. Only an invalid stack or fleet file fails: without them
 *  there is no list of nodes to show. */
export async function readSources(opts: SourceOptions): Promise<DashboardSources> {
  const { stack, issues } = readStackFile(opts.projectDir, opts.stack);
  if (!stack) throw new InvalidInputError(issues);
  const validation = validateFleetFile(resolve(opts.projectDir, opts.fleetFile ?? stack.settings.fleetFile), opts.catalog);
  if (!validation.fleet || hasErrors(validation.issues)) throw new InvalidInputError(validation.issues);
  const plans = planFleet(validation.fleet, opts.catalog, stack.settings);
  const notes: string[] = [];

  let outputs: DashboardSources["outputs"];
  try {
    const parsed = ShownOutputsSchema.safeParse(await opts.outputs());
    outputs = parsed.success ? parsed.data : { unavailable: `unexpected stack outputs: ${parsed.error.issues[0]!.message}` };
  } catch (err) {
    outputs = { unavailable: (err as Error).message.split("\n")[0]! };
  }
  if ("unavailable" in outputs) notes.push(`stack outputs: ${outputs.unavailable}`);

  const store = new StateDir(opts.healthDir, opts.stack);
  let records: NodeRecord[] = [];
  let round: RoundDocument | undefined;
  try {
    records = store.load().nodes;
    const raw = store.loadRound();
    if (raw !== undefined) {
      const parsed = RoundDocumentSchema.safeParse(raw);
      if (parsed.success) round = parsed.data;
      else notes.push(`health: ${store.roundFile} is not a health round; the next round replaces it`);
    }
  } catch (err) {
    notes.push(`health: ${(err as Error).message}`);
  }
  if (records.length === 0 && !round) notes.push(`health: no round yet in ${store.dir} (run \`fleet health --stack ${opts.stack}\`)`);

  return { stack: opts.stack, plans, outputs, records, ...(round ? { round } : {}), audit: readAudit(opts.auditFiles, opts.stack, notes), notes };
}

/** The stack's audit records from the given JSON-lines files, oldest first; lines that
 *  are not records (a line cut by a crash) are skipped and counted in a note. */
function readAudit(files: readonly string[], stack: string, notes: string[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  let skipped = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      notes.push(`audit: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let parsed: ReturnType<typeof AuditRecordSchema.safeParse>;
      try {
        parsed = AuditRecordSchema.safeParse(JSON.parse(line));
      } catch {
        skipped++;
        continue;
      }
      if (!parsed.success) skipped++;
      else if (parsed.data.stack === stack) records.push(parsed.data);
    }
  }
  if (skipped > 0) notes.push(`audit: skipped ${skipped} line${skipped === 1 ? " that is not an audit record" : "s that are not audit records"}`);
  return records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}
