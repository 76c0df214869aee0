import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { auditSinksFromEnv } from "../../audit/config";
import type { RolloutReport } from "../../automation/rollout";
import type { Catalog } from "../../catalog/catalog";
import { checkNode } from "../../health/check-node";
import { withCredentials } from "../../health/credentials";
import { mapPool } from "../../health/pool";
import { StateDir } from "../../health/store";
import { resolveTargets } from "../../health/targets";
import { InvalidInputError } from "../../source/issues";
import { EXIT, printIssues, type Io } from "../format";
import { HEALTH_ENV } from "./health";
import { describe } from "./operations";

export interface RolloutCliOptions {
  stack: string;
  project: string;
  exclude: string[];
  canary?: number;
  waves?: number[];
  failureBudget?: number;
  soak?: number;
  stateDir?: string;
  targets?: string;
  deferredUrns?: string;
  json?: boolean;
  correlationId?: string;
  auditFile?: string;
}

/** `fleet rollout`: the library's rollout() with the health checker's round as the gate
 *  of each wave and its store's open incidents deferred; exit 0 done, 3 halted, 6 refused. */
export async function rolloutCommand(io: Io, catalog: () => Catalog, opts: RolloutCliOptions, given: NodeJS.ProcessEnv): Promise<number> {
  const env = withCredentials(given);
  const projectDir = resolve(opts.project);
  const base = opts.stateDir ?? env[HEALTH_ENV.stateDirectory] ?? join(projectDir, ".fleet-health");
  const store = new StateDir(resolve(base, opts.stack), opts.stack);
  // The Automation API loads the Pulumi SDK (about a second): only when the command runs.
  const [{ rollout }, { FleetAutomation }, { RolloutLockedError }, { PulumiCliError }, { SecretsConfigError, BackendConfigError },
    { SuccessorRestoreError }] = await Promise.all([
    import("../../automation/rollout.js"), import("../../automation/operations.js"), import("../../automation/rollout-store.js"),
    import("../../automation/pulumi-cli.js"), import("../../automation/workspace.js"), import("../../restore/successors.js")]);
  const fleetOptions = { stack: opts.stack, projectDir, env, auditSinks: auditSinksFromEnv(env, opts.auditFile) };
  const outputs = new FleetAutomation(fleetOptions);
  let report: RolloutReport;
  try {
    report = await rollout(fleetOptions, {
      stateDir: store.dir,
      settings: {
        ...(opts.canary !== undefined ? { canary: opts.canary } : {}), ...(opts.waves ? { waves: opts.waves } : {}),
        ...(opts.failureBudget !== undefined ? { failureBudget: opts.failureBudget } : {}), ...(opts.soak !== undefined ? { soakSeconds: opts.soak } : {}),
      },
      exclude: opts.exclude,
      ...(opts.correlationId ? { correlationId: opts.correlationId } : {}),
      openIncidents: async () => new Map(store.load().nodes.flatMap((n) => (n.incident ? [[n.hostname, n.incident.id] as const] : []))),
      checkWave: async (hosts) => {
        const wanted = new Set(hosts);
        const targets = (await resolveTargets({ stack: opts.stack, projectDir, catalog: catalog(), ...(opts.targets ? { targetsFile: opts.targets } : {}),
          source: (await import("../../health/stack.js")).outputsAddressSource(outputs, opts.stack) })).filter((t) => wanted.has(t.hostname));
        const checked = await mapPool(targets, 64, (t) => checkNode(t, { timeoutMs: 5000, certWarnDays: 14,
          panelCredentials: (x) => ("address" in x.resolved && x.resolved.panelPassword !== undefined
            ? { user: env[HEALTH_ENV.panelUser] ?? x.panelUser, password: x.resolved.panelPassword } : undefined) }));
        return Object.fromEntries(checked.filter((c) => !c.healthy).map((c) => [c.target.hostname,
          c.checks.filter((x) => !x.ok).map((x) => `${x.name}: ${x.detail}`).join("; ")]));
      },
      onProgress: (line) => io.err(`fleet rollout: ${line}`),
    });
  } catch (err) {
    if (err instanceof RolloutLockedError) {
      io.err(`fleet rollout: refused: ${err.message}`);
      return EXIT.stateLocked;
    }
    if (err instanceof InvalidInputError) {
      printIssues(io, err.issues);
      return EXIT.invalidInput;
    }
    const [code, lines] = describe(err, { PulumiCliError, SecretsConfigError, BackendConfigError, SuccessorRestoreError });
    for (const line of lines) io.err(line);
    return code;
  }
  if (opts.deferredUrns) writeFileSync(opts.deferredUrns, report.deferredUrns.map((u) => `${u}\n`).join(""));
  if (opts.json) io.out(JSON.stringify(report));
  else io.out(`rollout of stack ${report.stack} ${report.state} in ${report.durationSeconds}s: ${report.waves.length} waves, ` +
    `${report.waves.reduce((n, w) => n + w.hosts.length, 0)} nodes, ${report.deferred.length} deferred (correlation ${report.correlationId})`);
  return report.state === "halted" ? EXIT.operationFailed : EXIT.ok;
}
