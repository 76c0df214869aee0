import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_CATALOG_DIR, loadCatalog } from "../catalog/load";
import { validateFleetFile } from "../fleet/validate";
import { sumEur } from "../plan/cost";
import { planFleet } from "../plan/node-plan";
import { checkedLayout, nodesOfStack } from "../shard/membership";
import { hasErrors, InvalidInputError, type Issue } from "../source/issues";
import { CONFIG_NAMESPACE, SECRET_KEYS, type StackSettings } from "../stack/settings";
import { readStackFile, type StackFile } from "../stack/stack-file";
import type { BatchInput, BatchResult, PlannedNode, PlannedResource } from "./plan-batch";
import type { WorkerReply } from "./plan-worker";

export type { PlannedNode, PlannedResource } from "./plan-batch";

/** What is known about a stack's plan before any node is planned. */
export interface PlanHeader {
  readonly stack: string;
  readonly environment: string;
  readonly nodeCount: number;
  readonly totalMonthlyCostEur: number;
  /** Secret config a real `pulumi up` needs that the stack file does not hold. */
  readonly secretsNeeded: readonly string[];
  /** Warnings about the stack file and the fleet (positions included). */
  readonly warnings: readonly Issue[];
  /** The catalog the nodes were resolved against (the policies check against it too). */
  readonly catalogDir: string;
}

/** What is known once every node is planned. */
export interface PlanSummary {
  /** Resources that belong to the stack rather than to one node (e.g. the master key). */
  readonly fleetResources: readonly PlannedResource[];
  readonly resourceCount: number;
}

/** Where a plan goes as it is made: the header, then nodes in hostname order, batch
 *  by batch, then the summary. Nothing needs the whole plan in memory at once. */
export interface PlanSink {
  header(header: PlanHeader): void;
  nodes(nodes: readonly PlannedNode[]): void;
  summary(summary: PlanSummary): void;
}

export interface PlanOptions {
  readonly stack: string;
  /** Where Pulumi.<stack>.yaml is. */
  readonly projectDir: string;
  /** A fleet file other than the stack's `fleetFile` (relative to the working directory). */
  readonly fleetFile?: string;
  /** A catalog directory other than the stack's (relative to the working directory). */
  readonly catalogDir?: string;
  /** Called after each batch with the nodes planned so far. */
  readonly progress?: (planned: number, total: number) => void;
  /** Mock outputs a real provider would compute, as known tokens (`fleet diff`);
   *  by default every computed value shows as unknown. */
  readonly knownOutputs?: boolean;
}

/** Nodes per worker process. A worker needs about 130 MB to load the program and
 *  Pulumi, and Pulumi's runtime keeps about 1.1 MB per node until the process ends:
 *  100 nodes keep a worker near 240 MB, so two at once and the coordinator (which only
 *  validates the fleet file: ~150 MB for 9,000 nodes) stay well below 1 GB. */
export const BATCH_NODES = 100;
const WORKERS = Math.max(1, Math.min(2, availableParallelism()));
const PLACEHOLDER_SECRET = "offline-plan-placeholder";
/** Workers still running; a failed plan ends them instead of waiting for them. */
const live = new Set<ReturnType<typeof fork>>();

/** What `pulumi up` on a stack would declare, found without the Pulumi CLI or a cloud:
 *  the real stack program (src/program.ts) runs under Pulumi's mock runtime, in worker
 *  processes of BATCH_NODES nodes each, and the result is streamed to `sink` in order.
 *  The stack file and the whole fleet are checked first, so bad input fails with
 *  positions before any worker runs. */
export async function planStack(options: PlanOptions, sink: PlanSink): Promise<void> {
  const { header, file, catalogDir, batches } = checkedBatches(options);
  sink.header(header);
  const scratch = mkdtempSync(join(tmpdir(), "fleet-plan-"));
  const cleanUp = () => {
    for (const worker of live) worker.kill();
    rmSync(scratch, { recursive: true, force: true });
  };
  // Interrupted (Ctrl-C, a CI timeout): no worker and no batch file outlives the plan.
  const interrupted = (signal: NodeJS.Signals) => {
    cleanUp();
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    let planned = 0;
    let resourceCount = 0;
    let fleetResources: readonly PlannedResource[] = [];
    await inOrder(batches.map((batch, index) => () => {
      const batchFleet = join(scratch, `fleet-${index}.json`);
      writeFileSync(batchFleet, JSON.stringify(batch.fleet));
      return runWorker({
        stack: options.stack, config: engineConfig(file, { fleetFile: batchFleet, ...(catalogDir ? { catalogDir } : {}) }), keep: batch.keep,
        ...(options.knownOutputs ? { knownOutputs: true } : {}),
      });
    }), (result) => {
      sink.nodes(result.nodes);
      if (planned === 0) fleetResources = result.fleetResources;
      planned += result.nodes.length;
      resourceCount += result.nodes.reduce((n, node) => n + node.resourceCount, 0);
      options.progress?.(planned, header.nodeCount);
    });
    sink.summary({ fleetResources, resourceCount: resourceCount + fleetResources.length });
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    cleanUp();
  }
}

/** A whole stack plan in memory, for callers that compare or check it as one (`fleet
 *  diff` plans only the nodes a change touches); `fleet plan` streams instead. */
export interface StackPlan extends PlanHeader, PlanSummary {
  readonly nodes: readonly PlannedNode[];
}

/** planStack, collected. */
export async function collectPlan(options: PlanOptions): Promise<StackPlan> {
  let header: PlanHeader | undefined;
  let summary: PlanSummary | undefined;
  const nodes: PlannedNode[] = [];
  await planStack(options, { header: (h) => { header = h; }, nodes: (batch) => { nodes.push(...batch); }, summary: (s) => { summary = s; } });
  return { ...header!, ...summary!, nodes };
}

/** Checks the stack file and the whole fleet, and splits the stack's nodes into
 *  batches. The parsed fleet (the largest thing the coordinator holds) is not kept
 *  past this point, so it is not held while the workers run. */
function checkedBatches(options: PlanOptions) {
  const { stack: file, issues } = readStackFile(options.projectDir, options.stack);
  if (!file) throw new InvalidInputError(issues);
  const fleetFile = options.fleetFile ? resolve(options.fleetFile) : resolve(options.projectDir, file.settings.fleetFile);
  const catalogDir = options.catalogDir ? resolve(options.catalogDir)
    : file.settings.catalogDir ? resolve(options.projectDir, file.settings.catalogDir) : undefined;
  const catalog = loadCatalog(catalogDir);
  const validation = validateFleetFile(fleetFile, catalog);
  if (!validation.fleet || hasErrors(validation.issues)) throw new InvalidInputError(validation.issues);
  const shards = checkedLayout(options.projectDir, options.stack, file.settings);
  if (hasErrors(shards.issues)) throw new InvalidInputError(shards.issues);
  const plans = nodesOfStack(planFleet(validation.fleet, catalog, file.settings), options.stack, file.settings.environment, shards.layout);
  const needed: string[] = [SECRET_KEYS.hcloudToken, SECRET_KEYS.cloudflareToken];
  if (file.settings.features.autoRegistration) needed.push(SECRET_KEYS.registrationToken);
  const header: PlanHeader = {
    stack: options.stack,
    environment: file.settings.environment,
    nodeCount: plans.length,
    totalMonthlyCostEur: file.settings.features.costTracking ? sumEur(plans.map((p) => p.monthlyCostEur)) : 0,
    secretsNeeded: needed.filter((key) => !file.secretsSet.includes(key)),
    warnings: [...issues, ...validation.issues],
    catalogDir: catalogDir ?? DEFAULT_CATALOG_DIR,
  };
  const batches = splitFleet(validation.fleet.source.doc.toJS() as FleetData, plans.map((p) => p.hostname), plans);
  return { header, file, catalogDir, batches };
}

type FleetData = { nodes?: Record<string, { replaces?: string } | null> } & Record<string, unknown>;

/** The stack's nodes in batches, each as a fleet file of its own: the file's other
 *  sections, the batch's nodes, and every node they `replaces` (transitively), which
 *  the program needs to accept the reference but which another batch reports. */
function splitFleet(data: FleetData, hostnames: readonly string[], plans: readonly { hostname: string; replaces?: string }[]) {
  const replaces = new Map(plans.map((p) => [p.hostname, p.replaces]));
  const batches: { fleet: FleetData; keep: string[] }[] = [];
  for (let start = 0; start < hostnames.length; start += BATCH_NODES) {
    const keep = hostnames.slice(start, start + BATCH_NODES);
    const included = new Set<string>();
    for (const start of keep) {
      for (let host: string | undefined = start; host !== undefined && !included.has(host); host = replaces.get(host)) included.add(host);
    }
    const nodes = Object.fromEntries([...included].map((host) => [host, data.nodes?.[host] ?? null]));
    batches.push({ fleet: { ...data, nodes }, keep });
  }
  return batches;
}

/** Runs jobs WORKERS at a time and hands their results on in the jobs' order. */
async function inOrder<T>(jobs: readonly (() => Promise<T>)[], deliver: (result: T) => void): Promise<void> {
  const running: Promise<T>[] = [];
  let next = 0;
  const launch = () => {
    if (next >= jobs.length) return;
    const job = jobs[next++]!();
    // Awaited in turn below; if an earlier job fails first, this one's failure (its
    // worker is killed) must not surface as an unhandled rejection.
    job.catch(() => undefined);
    running.push(job);
  };
  for (let i = 0; i < WORKERS; i++) launch();
  while (running.length > 0) {
    const result = await running.shift()!;
    launch();
    deliver(result);
  }
}

/** Plans one batch in a child process (plan-worker.ts, always the compiled one). */
function runWorker(input: BatchInput): Promise<BatchResult> {
  const worker = fork(resolve(__dirname, "../../dist/offline/plan-worker.js"), [], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
  live.add(worker);
  let stderr = "";
  worker.stderr?.on("data", (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  return new Promise((resolveResult, reject) => {
    let reply: WorkerReply | undefined;
    worker.once("message", (message: WorkerReply) => { reply = message; });
    worker.once("error", reject);
    worker.once("exit", (code, signal) => {
      live.delete(worker);
      if (reply && "result" in reply) resolveResult(reply.result);
      else reject(new Error(reply && "error" in reply ? reply.error
        : `a plan worker ended without a result (${signal ?? `exit ${String(code)}`})${stderr ? `: ${stderr.trim().split("\n").pop()}` : ""}`));
    });
    worker.send(input);
  });
}

/** The stack file's config as the engine hands it to the program (one text per key,
 *  and which keys are secret), with a placeholder for each secret, whose value the
 *  offline plan never has, and the fleet file and catalog to plan with. */
export function engineConfig(file: StackFile, paths: { fleetFile: string; catalogDir?: string }): { values: Record<string, string>; secretKeys: string[] } {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of file.config) {
    values[key] = value.secret ? PLACEHOLDER_SECRET : value.text;
    if (value.secret) secretKeys.push(key);
  }
  values[`${CONFIG_NAMESPACE}:fleetFile`] = paths.fleetFile;
  if (paths.catalogDir) values[`${CONFIG_NAMESPACE}:catalogDir`] = paths.catalogDir;
  if (file.settings.features.autoRegistration && !secretKeys.includes(SECRET_KEYS.registrationToken)) {
    values[SECRET_KEYS.registrationToken] = PLACEHOLDER_SECRET;
    secretKeys.push(SECRET_KEYS.registrationToken);
  }
  return { values, secretKeys };
}

/** Settings (e.g. a test's overrides) as the engine hands config to a program: one
 *  text value per namespaced key, structured values as JSON, plus the secret. */
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
