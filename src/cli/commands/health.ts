import { join, resolve } from "node:path";
import type { Catalog } from "../../catalog/catalog";
import type { HealthEvent } from "../../events/health-event";
import { withCredentials } from "../../health/credentials";
import { HetznerClient } from "../../health/hetzner";
import type { Safeguards } from "../../health/safeguards";
import { runRound, type RoundReport } from "../../health/monitor";
import type { ConnectOptions, StackConnection } from "../../health/stack";
import { StateDir, StateFileError, StateLockedError } from "../../health/store";
import { resolveTargets } from "../../health/targets";
import { channelsFromEnv } from "../../notify/channels";
import { readStackFile } from "../../stack/stack-file";
import { InvalidInputError } from "../../source/issues";
import type { BackupAge } from "../../backup/ages";
import type { MetadataBarrier, StackMetadataBarriersOptions } from "../../health/metadata-barrier";
import type { StackBackupAgesOptions } from "../../backup/stack-ages";
import { table } from "../../format/table";
import { EXIT, printIssues, type Io } from "../format";

export interface HealthOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleet?: string;
  readonly targets?: string;
  readonly stateDir?: string;
  readonly json: boolean;
  readonly watch: boolean;
  readonly intervalSeconds: number;
  readonly heal: boolean;
  readonly timeoutSeconds: number;
  readonly concurrency: number;
  readonly certDays: number;
  readonly safeguards: Safeguards;
  /** With `watch`: serve Prometheus metrics on 127.0.0.1 at this port (0: any free port). */
  readonly metricsPort?: number;
}

/** What the Automation API library adds: addresses, pinned keys and panel passwords
 *  from the stack outputs, and re-provision/rebuild for recovery (src/health/stack.ts).
 *  `connect` is asked every round, so a CLI installed while `--watch` runs is used. */
export interface HealthConnections {
  readonly connect?: (opts: ConnectOptions) => Promise<StackConnection>;
  /** The age of each node's last good off-node backup (src/backup/stack-ages.ts);
   *  undefined when the stack keeps backups on its nodes only. */
  readonly backupAges?: (opts: StackBackupAgesOptions) => Promise<{ ages: BackupAge[] } | { unavailable: string } | undefined>;
  /** Whether each node's barriers before the cloud metadata service are in place, asked
   *  over the pinned SSH channel (src/health/metadata-barrier.ts). */
  readonly metadataBarriers?: (opts: StackMetadataBarriersOptions) => Promise<{ barriers: MetadataBarrier[] } | { unavailable: string }>;
  readonly audit?: (events: readonly HealthEvent[]) => void;
}

/** Environment variables read by `fleet health` (secrets only from here). */
export const HEALTH_ENV = {
  panelUser: "FLEET_PANEL_USER",
  hcloudToken: "HCLOUD_TOKEN",
  hcloudEndpoint: "HCLOUD_ENDPOINT",
  stateDirectory: "STATE_DIRECTORY",
} as const;

/** `fleet health`: checks the stack's nodes once (exit 0 all healthy, 5 not), or
 *  every interval with `--watch` until SIGINT/SIGTERM. */
export async function healthCommand(io: Io, catalog: Catalog, opts: HealthOptions, connections: HealthConnections = {},
  given: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (opts.metricsPort !== undefined && !opts.watch) {
    io.err("fleet health: --metrics-port needs --watch (metrics describe the rounds a watch runs)");
    return EXIT.usage;
  }
  const env = withCredentials(given);
  const base = opts.stateDir ?? env[HEALTH_ENV.stateDirectory] ?? join(opts.projectDir, ".fleet-health");
  const store = new StateDir(resolve(base, opts.stack), opts.stack);
  let release: () => void;
  try {
    release = store.lock(opts.watch ? "watch" : "once");
  } catch (err) {
    const problem = stateDirProblem(err, store.dir);
    if (problem) {
      io.err(`fleet health: ${problem}`);
      return EXIT.invalidInput;
    }
    if (!(err instanceof StateLockedError)) throw err;
    io.err(`fleet health: ${err.message}`);
    return EXIT.stateLocked;
  }
  const token = env[HEALTH_ENV.hcloudToken];
  const connect = connections.connect;
  let toldUnavailable = false;
  const round = async () => {
    const stack: StackConnection | undefined = connect
      ? await connect({ stack: opts.stack, projectDir: resolve(opts.projectDir), env, auditFile: join(store.dir, "operations-audit.jsonl") })
      : undefined;
    if (opts.heal && stack && "unavailable" in stack && !toldUnavailable) {
      io.err(`fleet health: re-provision and rebuild unavailable: ${stack.unavailable}`);
      toldUnavailable = true;
    }
    return runRoundWith(stack);
  };
  const hetzner = token ? new HetznerClient({ token, ...(env[HEALTH_ENV.hcloudEndpoint] ? { baseUrl: env[HEALTH_ENV.hcloudEndpoint] } : {}) }) : undefined;
  // Read each round, as the targets are: a changed setting applies without a restart.
  const runRoundWith = (stack: StackConnection | undefined, keepDays = readStackFile(opts.projectDir, opts.stack).stack?.settings.recoverySnapshotDays) => runRound({
    targets: () => resolveTargets({ stack: opts.stack, projectDir: opts.projectDir, catalog,
      ...(opts.fleet ? { fleetFile: opts.fleet } : {}), ...(opts.targets ? { targetsFile: opts.targets } : {}),
      ...(stack && "addresses" in stack ? { source: stack.addresses } : {}),
      ...(stack && "unavailable" in stack ? { sourceUnavailable: `no stack outputs: ${stack.unavailable}` } : {}),
      warn: (message) => io.err(`fleet health: ${message}`) }),
    store,
    check: { timeoutMs: opts.timeoutSeconds * 1000, certWarnDays: opts.certDays,
      // Each node's own password only: one shared password would let any node, or whoever
      // answers at its address, log in to all the others.
      panelCredentials: (t) => {
        const secret = "address" in t.resolved ? t.resolved.panelPassword : undefined;
        return secret === undefined ? undefined : { user: env[HEALTH_ENV.panelUser] ?? t.panelUser, password: secret };
      } },
    concurrency: opts.concurrency,
    safeguards: opts.safeguards,
    heal: opts.heal,
    actions: {
      ...(stack && "nodes" in stack ? { nodes: stack.nodes } : {}),
      ...(stack && "unavailable" in stack ? { nodesUnavailable: stack.unavailable } : {}),
      ...(hetzner ? { machines: hetzner, snapshots: hetzner } : {}),
    },
    ...(keepDays !== undefined ? { recoverySnapshotDays: keepDays } : {}),
    channels: channelsFromEnv(env),
    clock: Date.now,
    ...(stack && "fleet" in stack && stack.fleet ? { protection: () => stack.fleet!.hetznerProtection() } : {}),
    ...(connections.audit ? { audit: connections.audit } : {}),
  });

  const nodeReads = (report: RoundReport) => ({
    stack: opts.stack, projectDir: resolve(opts.projectDir), env, hostnames: report.nodes.map((n) => n.hostname), timeoutMs: opts.timeoutSeconds * 1000,
  });
  const extrasOf = async (report: RoundReport): Promise<Extras> => {
    const [backups, barriers] = await Promise.all([connections.backupAges?.(nodeReads(report)), connections.metadataBarriers?.(nodeReads(report))]);
    return { ...(backups ? { backups } : {}), ...(barriers ? { barriers } : {}) };
  };
  try {
    if (!opts.watch) {
      let report: RoundReport;
      try {
        report = await round();
      } catch (err) {
        const problem = err instanceof StateFileError ? err.message : stateDirProblem(err, store.dir);
        if (!problem) throw err;
        io.err(`fleet health: ${problem}`);
        return EXIT.invalidInput;
      }
      const extras = await extrasOf(report);
      store.saveRound(roundDocument(report, extras));
      print(io, report, opts.json, extras);
      const { backups, barriers } = extras;
      return report.healthy && (backups === undefined || !("ages" in backups) || backups.ages.every((a) => a.ok))
        && (barriers === undefined || !("barriers" in barriers) || barriers.barriers.every((b) => b.ok)) ? EXIT.ok : EXIT.unhealthy;
    }
    const metrics = opts.metricsPort === undefined ? undefined : await startMetrics(io, opts.metricsPort);
    if (metrics === null) return EXIT.invalidInput;
    let stopping = false;
    let wake: () => void = () => undefined;
    const stop = () => { stopping = true; wake(); };
    // `on`, not `once`: a rebuild that holds signals (src/source/hold-signals.ts) leaves the
    // ending to a listener still there, so the watch ends after its round, as documented.
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    io.err(`watching stack ${opts.stack} every ${opts.intervalSeconds}s (state: ${store.dir}${opts.heal ? "; recovery on" : ""})`);
    try {
      while (!stopping) {
        // A fleet file caught mid-edit or a full disk must not end the watch: say so and try again next round.
        try {
          const report = await round();
          const extras = await extrasOf(report);
          store.saveRound(roundDocument(report, extras));
          metrics?.metrics.observe(report, extras.backups && "ages" in extras.backups ? extras.backups.ages : undefined);
          print(io, report, opts.json, extras);
        } catch (err) {
          if (err instanceof InvalidInputError) printIssues(io, err.issues);
          io.err(`fleet health: this round failed, trying again in ${opts.intervalSeconds}s: ${err instanceof InvalidInputError ? "bad input (above)" : (err as Error).message}`);
        }
        // A signal that came during the round ends the watch now, not an interval later.
        if (stopping) break;
        await new Promise<void>((r) => {
          const timer = setTimeout(r, opts.intervalSeconds * 1000);
          wake = () => { clearTimeout(timer); r(); };
        });
      }
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await metrics?.server.close();
    }
    return EXIT.ok;
  } finally {
    release();
  }
}

/** Starts the metrics endpoint (prom-client is loaded only here); null, said in one
 *  line, when the port cannot be had. */
async function startMetrics(io: Io, port: number) {
  const [{ FleetMetrics }, { serveMetrics }] = await Promise.all([import("../../metrics/fleet-metrics.js"), import("../../metrics/server.js")]);
  const metrics = new FleetMetrics();
  try {
    const server = await serveMetrics(metrics, port);
    io.err(`metrics at ${server.url}`);
    return { metrics, server };
  } catch (err) {
    io.err(`fleet health: ${(err as Error).message}`);
    return null;
  }
}

/** What is wrong with the state directory the operator named (a file, a dangling link,
 *  a directory where state.json should be), from the error the file system gave: it is
 *  operator input, not a bug. */
function stateDirProblem(err: unknown, dir: string): string | undefined {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EEXIST: "it, or a directory above it, exists and is not a directory", ENOTDIR: "a part of its path is a file, not a directory",
    EISDIR: "a directory is where one of its files should be", ELOOP: "a link in its path loops", ENOENT: "a link in its path points nowhere",
    EACCES: "permission denied", EPERM: "permission denied",
  };
  const reason = typeof e?.code === "string" ? why[e.code] : undefined;
  return reason && `health state directory ${dir} is unusable: ${reason} (${e.code}); fix it or give another --state-dir`;
}

/** What a round reports beside the nodes' checks: off-node backup ages and metadata barriers. */
interface Extras {
  readonly backups?: { ages: BackupAge[] } | { unavailable: string };
  readonly barriers?: { barriers: MetadataBarrier[] } | { unavailable: string };
}

/** The round as `--json` prints it and last-round.json keeps it (the dashboard reads it). */
function roundDocument(report: RoundReport, { backups, barriers }: Extras) {
  return { checkedAt: report.checkedAt, stack: report.stack, healthy: report.healthy, nodes: report.nodes,
    ...(report.protectionUnchecked ? { protectionUnchecked: report.protectionUnchecked } : {}),
    ...(backups ? { backups } : {}), ...(barriers ? { metadataBarriers: barriers } : {}) };
}

function print(io: Io, report: RoundReport, json: boolean, extras: Extras): void {
  const { backups, barriers } = extras;
  if (json) {
    io.out(JSON.stringify(roundDocument(report, extras)));
  } else {
    io.out(table(["node", "state", "health", "failures", "incident"], report.nodes.map((n) => [
      n.hostname, n.state, [n.healthy ? "ok" : `FAIL ${n.checks.filter((c) => !c.ok).map((c) => c.name).join(",")}`,
        ...(n.protectionOff ? ["PROTECTION OFF"] : [])].join(", "),
      n.consecutiveFailures, n.incident ? `${n.incident.kind} ${n.incident.status}${n.incident.held ? ` (held: ${n.incident.held})` : ""}` : "",
    ])));
    for (const n of report.nodes) for (const c of n.checks.filter((x) => !x.ok)) io.out(`  ${n.hostname} ${c.name}: ${c.detail}`);
    for (const n of report.nodes) for (const line of n.protectionOff ?? []) io.out(`  ${n.hostname} hetzner-protection: ${line}`);
    if (backups && "ages" in backups) {
      io.out(table(["node", "off-node backup"], backups.ages.map((a) => [a.hostname, `${a.ok ? "ok" : "FLAG"} ${a.detail}`])));
    } else if (backups) {
      io.err(`fleet health: off-node backups not checked: ${backups.unavailable}`);
    }
    if (barriers && "barriers" in barriers) {
      io.out(table(["node", "metadata service"], barriers.barriers.map((b) => [b.hostname, `${b.ok ? "ok" : "FLAG"} ${b.detail}`])));
    } else if (barriers) {
      io.err(`fleet health: metadata barriers not checked: ${barriers.unavailable}`);
    }
    const bad = report.nodes.filter((n) => !n.healthy).length;
    io.err(`${report.nodes.length} nodes checked, ${bad} unhealthy`);
  }
  if (report.protectionUnchecked) io.err(`fleet health: Hetzner protection not checked: ${report.protectionUnchecked}`);
  for (const e of report.events) io.err(`${e.type} ${e.hostname}: ${e.message}`);
  for (const e of report.notifications.errors) io.err(`notification failed: ${e}`);
}
