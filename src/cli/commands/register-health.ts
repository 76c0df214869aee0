import { InvalidArgumentError, type Command } from "commander";
import type { Catalog } from "../../catalog/catalog";
import { DEFAULT_SAFEGUARDS } from "../../health/safeguards";
import type { Io } from "../format";
import { withStackOptions } from "../stack-options";
import type { HealthConnections } from "./health";

/** Registers `fleet health` and its options; `connections.connect` reaches the stack
 *  (main passes connectStack, src/health/stack.ts). The checks load only when it runs. */
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
    .option("--metrics-port <port>", "with --watch: serve Prometheus metrics at http://127.0.0.1:PORT/metrics", num(0, 65_535))
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
      failures: number; failureMinutes: number; maxUnhealthy: number; maxAttempts: number; backoff: number; metricsPort?: number }) => {
      const { healthCommand } = await import("./health.js");
      setCode(await healthCommand(io, catalog(), {
        stack: opts.stack, projectDir: opts.project, json: opts.json ?? false, watch: opts.watch ?? false,
        intervalSeconds: opts.interval, heal: opts.heal ?? false, timeoutSeconds: opts.timeout, concurrency: opts.concurrency,
        certDays: opts.certDays, ...(opts.fleet ? { fleet: opts.fleet } : {}), ...(opts.targets ? { targets: opts.targets } : {}),
        ...(opts.stateDir ? { stateDir: opts.stateDir } : {}), ...(opts.metricsPort !== undefined ? { metricsPort: opts.metricsPort } : {}),
        safeguards: { graceMinutes: opts.grace, failures: opts.failures, failureMinutes: opts.failureMinutes,
          maxUnhealthyShare: opts.maxUnhealthy / 100, maxAttempts: opts.maxAttempts, backoffMinutes: opts.backoff },
      }, connections));
    });
}
