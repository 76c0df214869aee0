import { resolve } from "node:path";
import { loadCatalog } from "../../catalog/load";
import { loadFleet } from "../../fleet/load";
import { validateFleetFile } from "../../fleet/validate";
import { planFleet } from "../../plan/node-plan";
import { describeServerChange, plansAsDeployed, serverChanges } from "../../plan/server-change";
import { planStack } from "../../offline/plan-stack";
import { readStackFile } from "../../stack/stack-file";
import { EXIT, type Io } from "../format";
import { planJson, planMarkdown, planText } from "../plan-report";

export interface PlanOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleet?: string;
  /** A fleet file to compare with (e.g. the pull request's base): server changes are listed. */
  readonly base?: string;
  readonly format: "text" | "json" | "markdown";
}

/** `fleet plan`: the offline plan of a stack, from the real program under mocks. */
export async function planCommand(io: Io, opts: PlanOptions): Promise<number> {
  const started = Date.now();
  io.err(`planning stack ${opts.stack} offline (Pulumi mock runtime; nothing is contacted)…`);
  const plan = await planStack({ stack: opts.stack, projectDir: opts.projectDir, ...(opts.fleet ? { fleetFile: opts.fleet } : {}) });
  const render = { text: planText, json: planJson, markdown: planMarkdown }[opts.format];
  io.out(render(plan));
  if (opts.base) io.out(["", `Server changes against ${opts.base}:`, ...changesAgainst(opts.base, opts), ""].join("\n"));
  io.err(`planned ${plan.nodes.length} nodes, ${plan.resourceCount} resources in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return EXIT.ok;
}

/** Rebuilds (which erase disks) and resizes that the fleet edit causes, compared with a base. */
function changesAgainst(base: string, opts: PlanOptions): string[] {
  const settings = readStackFile(opts.projectDir, opts.stack).stack!.settings;
  const catalog = loadCatalog();
  const head = validateFleetFile(resolve(opts.projectDir, opts.fleet ?? settings.fleetFile), catalog).fleet!;
  const baseFleet = loadFleet(base).fleet;
  const before = baseFleet ? plansAsDeployed(baseFleet, catalog, settings) : [];
  const lines = serverChanges(before, planFleet(head, catalog, settings)).map((c) => `  ${describeServerChange(c)}`);
  return lines.length > 0 ? lines : ["  none: no server is rebuilt or resized"];
}
