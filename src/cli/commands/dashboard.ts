import { join, resolve } from "node:path";
import type { Catalog } from "../../catalog/catalog";
import { AUDIT_ENV, defaultAuditFile } from "../../audit/config";
import { buildDashboard, type DashboardModel } from "../../dashboard/model";
import { DashboardBindError, isLoopback, serveDashboard, unprotectedBind } from "../../dashboard/server";
import { writeSite } from "../../dashboard/site";
import { readSources } from "../../dashboard/sources";
import type { ConnectOptions } from "../../health/stack";
import { InvalidInputError } from "../../source/issues";
import { EXIT, printIssues, type Io } from "../format";
import { HEALTH_ENV } from "./health";

export interface DashboardOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleet?: string;
  readonly stateDir?: string;
  readonly host: string;
  readonly port: number;
  readonly refreshSeconds: number;
  /** Write the pages here as static files instead of serving them. */
  readonly out?: string;
}

/** The variable holding the token that a non-loopback dashboard requires. */
export const DASHBOARD_TOKEN_ENV = "FLEET_DASHBOARD_TOKEN";

/** `fleet dashboard`: the stack's nodes as web pages, served read-only until SIGINT or
 *  SIGTERM, or written once with `--out`. `outputs` reads the stack's outputs without
 *  secrets (main passes src/dashboard/outputs.ts, the connection `fleet health` uses). */
export async function dashboardCommand(io: Io, catalog: Catalog, opts: DashboardOptions,
  outputs: (o: ConnectOptions) => Promise<unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const healthDir = resolve(opts.stateDir ?? env[HEALTH_ENV.stateDirectory] ?? join(opts.projectDir, ".fleet-health"), opts.stack);
  const load = async (): Promise<DashboardModel> => buildDashboard(await readSources({
    stack: opts.stack, projectDir: opts.projectDir, catalog, healthDir, ...(opts.fleet ? { fleetFile: opts.fleet } : {}),
    auditFiles: [env[AUDIT_ENV.file] ?? defaultAuditFile(env), join(healthDir, "operations-audit.jsonl")],
    outputs: () => outputs({ stack: opts.stack, projectDir: resolve(opts.projectDir), env, auditFile: "off" }),
  }), new Date());

  const token = env[DASHBOARD_TOKEN_ENV];
  // Refused before any source is read: the answer does not depend on them.
  if (!opts.out && !token && !isLoopback(opts.host)) {
    io.err(`fleet dashboard: ${unprotectedBind(opts.host)}`);
    return EXIT.usage;
  }
  let first: DashboardModel;
  try {
    first = await load();
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    printIssues(io, err.issues);
    return EXIT.invalidInput;
  }
  for (const note of first.notes) io.err(`fleet dashboard: ${note}`);
  if (opts.out) {
    const files = writeSite(first, opts.out);
    io.err(`wrote ${files} files to ${opts.out} (open index.html)`);
    return EXIT.ok;
  }
  let server;
  try {
    let initial: DashboardModel | undefined = first;
    server = await serveDashboard({ host: opts.host, port: opts.port, refreshSeconds: opts.refreshSeconds, ...(token ? { token } : {}),
      load: () => { const m = initial; initial = undefined; return m ? Promise.resolve(m) : load(); } });
  } catch (err) {
    if (!(err instanceof DashboardBindError)) throw err;
    io.err(`fleet dashboard: ${err.message}`);
    return EXIT.usage;
  }
  io.err(`dashboard of stack ${opts.stack} at ${server.url}${token ? " (token required)" : ""}; read-only, stop with Ctrl-C`);
  await new Promise<void>((r) => {
    const stop = () => { process.off("SIGINT", stop); process.off("SIGTERM", stop); r(); };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return EXIT.ok;
}
