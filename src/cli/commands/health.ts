import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { Catalog } from "../../catalog/catalog";
import type { HealthEvent } from "../../health/events";
import { withCredentials } from "../../health/credentials";
import { HetznerClient } from "../../health/hetzner";
import { DEFAULT_SAFEGUARDS, type Safeguards } from "../../health/model";
import { runRound, type RoundReport } from "../../health/monitor";
import type { ConnectOptions, StackConnection } from "../../health/stack";
import { StateDir, StateFileError, StateLockedError } from "../../health/store";
import { resolveTargets } from "../../health/targets";
import { channelsFromEnv } from "../../notify/channels";
import { InvalidInputError } from "../../source/issues";
import { EXIT, printIssues, table, type Io } from "../format";
import { withStackOptions } from "../stack-options";

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
}

/** What the Automation API library adds: addresses, pinned keys and panel passwords
 *  from the stack outputs, and re-provision/rebuild for recovery (src/health/stack.ts).
 *  `connect` is asked every round, so a CLI installed while `--watch` runs is used. */
export interface HealthConnections {
  readonly connect?: (opts: ConnectOptions) => Promise<StackConnection>;
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
  const env = withCredentials(given);
  const base = opts.stateDir ?? env[HEALTH_ENV.stateDirectory] ?? join(opts.projectDir, ".fleet-health");
  const store = new StateDir(resolve(base, opts.stack), opts.stack);
  let release: () => void;
  try {
    release = store.lock(opts.watch ? "watch" : "once");
  } catch (err) {
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
  const runRoundWith = (stack: StackConnection | undefined) => runRound({
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
      ...(token ? { machines: new HetznerClient({ token, ...(env[HEALTH_ENV.hcloudEndpoint] ? { baseUrl: env[HEALTH_ENV.hcloudEndpoint] } : {}) }) } : {}),
    },
    channels: channelsFromEnv(env),
    clock: Date.now,
    ...(connections.audit ? { audit: connections.audit } : {}),
  });

  try {
    if (!opts.watch) {
      let report: RoundReport;
      try {
        report = await round();
      } catch (err) {
        if (!(err instanceof StateFileError)) throw err;
        io.err(`fleet health: ${err.message}`);
        return EXIT.invalidInput;
      }
      print(io, report, opts.json);
      return report.healthy ? EXIT.ok : EXIT.unhealthy;
    }
    let stopping = false;
    let wake: () => void = () => undefined;
    const stop = () => { stopping = true; wake(); };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    io.err(`watching stack ${opts.stack} every ${opts.intervalSeconds}s (state: ${store.dir}${opts.heal ? "; recovery on" : ""})`);
    try {
      while (!stopping) {
        // A fleet file caught mid-edit or a full disk must not end the watch: say so and try again next round.
        try {
          print(io, await round(), opts.json);
        } catch (err) {
          if (err instanceof InvalidInputError) printIssues(io, err.issues);
          io.err(`fleet health: this round failed, trying again in ${opts.intervalSeconds}s: ${err instanceof InvalidInputError ? "bad input (above)" : (err as Error).message}`);
        }
        await new Promise<void>((r) => {
          const timer = setTimeout(r, opts.intervalSeconds * 1000);
          wake = () => { clearTimeout(timer); r(); };
        });
      }
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
    return EXIT.ok;
  } finally {
    release();
  }
}

function print(io: Io, report: RoundReport, json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ checkedAt: report.checkedAt, stack: report.stack, healthy: report.healthy, nodes: report.nodes }));
  } else {
    io.out(table(["node", "state", "health", "failures", "incident"], report.nodes.map((n) => [
      n.hostname, n.state, n.healthy ? "ok" : `FAIL ${n.checks.filter((c) => !c.ok).map((c) => c.name).join(",")}`,
      n.consecutiveFailures, n.incident ? `${n.incident.kind} ${n.incident.status}${n.incident.held ? ` (held: ${n.incident.held})` : ""}` : "",
    ])));
    for (const n of report.nodes) for (const c of n.checks.filter((x) => !x.ok)) io.out(`  ${n.hostname} ${c.name}: ${c.detail}`);
    const bad = report.nodes.filter((n) => !n.healthy).length;
    io.err(`${report.nodes.length} nodes checked, ${bad} unhealthy`);
  }
  for (const e of report.events) io.err(`${e.type} ${e.hostname}: ${e.message}`);
  for (const e of report.notifications.errors) io.err(`notification failed: ${e}`);
}

/** Registers `fleet health` and its options; `connections.connect` reaches the stack
 *  (main passes connectStack, src/health/stack.ts). */
export function registerHealthCommand(program: Command, io: Io, catalog: () => Catalog, setCode: (code: number) => void,
  connections: HealthConnections = {}): void {
  const num = (min: number, max: number, integer = true) => (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`expected ${integer ? "an integer" : "a number"} from ${min} to ${max}`);
    }
    return n;
  };
  const g = DEFAULT_SAFEGUARDS;
  withStackOptions(program.command("health")
    .description("check the stack's nodes (TCP, SSH host key, TLS, Virtualmin API); exit 5 when any is unhealthy"))
    .option("--targets <file>", "JSON map {hostname: {address, hostKey?, created?}}; other nodes are looked up in DNS")
    .option("--state-dir <dir>", "where state, incidents and the audit log live (default: $STATE_DIRECTORY or PROJECT/.fleet-health)")
    .option("--json", "print one JSON document per round")
    .option("--watch", "check every --interval seconds until stopped")
    .option("--interval <seconds>", "seconds between rounds with --watch", num(5, 86_400), 60)
    .option("--heal", "let recovery act on confirmed incidents (re-provision, power-cycle, rebuild if opted in)")
    .option("--timeout <seconds>", "time limit of each check", num(1, 120), 5)
    .option("--concurrency <n>", "nodes checked at once", num(1, 4096), 128)
    .option("--cert-days <days>", "a certificate with fewer days left fails", num(0, 365), 14)
    .option("--grace <minutes>", "no failures counted this long after a node is created or rebuilt", num(0, 1440), g.graceMinutes)
    .option("--failures <n>", "consecutive failed rounds that confirm an incident", num(1, 100), g.failures)
    .option("--failure-minutes <minutes>", "… spanning at least this many minutes", num(0, 1440), g.failureMinutes)
    .option("--max-unhealthy <percent>", "act only while at most this share of the fleet looks dead", num(0, 100, false), g.maxUnhealthyShare * 100)
    .option("--max-attempts <n>", "recovery steps per incident", num(1, 3), g.maxAttempts)
    .option("--backoff <minutes>", "wait after the first step, doubled after each", num(1, 1440), g.backoffMinutes)
    .action(async (opts: { stack: string; fleet?: string; project: string; targets?: string; stateDir?: string; json?: boolean;
      watch?: boolean; interval: number; heal?: boolean; timeout: number; concurrency: number; certDays: number; grace: number;
      failures: number; failureMinutes: number; maxUnhealthy: number; maxAttempts: number; backoff: number }) => {
      setCode(await healthCommand(io, catalog(), {
        stack: opts.stack, projectDir: opts.project, json: opts.json ?? false, watch: opts.watch ?? false,
        intervalSeconds: opts.interval, heal: opts.heal ?? false, timeoutSeconds: opts.timeout, concurrency: opts.concurrency,
        certDays: opts.certDays, ...(opts.fleet ? { fleet: opts.fleet } : {}), ...(opts.targets ? { targets: opts.targets } : {}),
        ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
        safeguards: { graceMinutes: opts.grace, failures: opts.failures, failureMinutes: opts.failureMinutes,
          maxUnhealthyShare: opts.maxUnhealthy / 100, maxAttempts: opts.maxAttempts, backoffMinutes: opts.backoff },
      }, connections));
    });
}
