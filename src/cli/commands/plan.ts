import { resolve } from "node:path";
import { loadCatalog } from "../../catalog/load";
import { loadFleet } from "../../fleet/load";
import { validateFleetFile } from "../../fleet/validate";
import { planFleet } from "../../plan/node-plan";
import { describeServerChange, plansAsDeployed, serverChanges } from "../../plan/server-change";
import { planStack } from "../../offline/plan-stack";
import { policyCheckedSink, type PolicyViolation } from "../../review/policy";
import { readStackFile } from "../../stack/stack-file";
import { formatIssue } from "../../source/issues";
import { EXIT, type Io } from "../format";
import { jsonSink, markdownSink, textSink } from "../plan-report";
import { progressLine } from "../progress";

export interface PlanOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleet?: string;
  /** A fleet file to compare with (e.g. the pull request's base): server changes are listed. */
  readonly base?: string;
  /** A catalog directory other than the bundled one. */
  readonly catalogDir?: string;
  readonly format: "text" | "json" | "markdown";
}

/** `fleet plan`: the offline plan of a stack, from the real program under mocks,
 *  printed as it is made. Warnings and progress go to stderr. */
export async function planCommand(io: Io, opts: PlanOptions): Promise<number> {
  const started = Date.now();
  const progress = progressLine(io, opts.format !== "json");
  // The policy pack's rules (policy/), offline: a violation fails the plan.
  const violations: PolicyViolation[] = [];
  const sink = policyCheckedSink({ text: textSink, json: jsonSink, markdown: markdownSink }[opts.format]((text) => {
    progress.clear();
    io.out(text);
  }), violations);
  let planned = 0;
  let finished = false;
  try {
    await planStack({
      stack: opts.stack, projectDir: opts.projectDir, ...(opts.fleet ? { fleetFile: opts.fleet } : {}),
      ...(opts.catalogDir ? { catalogDir: opts.catalogDir } : {}),
      progress: (done, total) => { planned = done; progress.update(`planning stack ${opts.stack}: ${done}/${total} nodes`); },
    }, {
      header: (h) => {
        progress.clear();
        for (const warning of h.warnings) io.err(formatIssue(warning));
        sink.header(h);
        progress.update(`planning stack ${opts.stack}: 0/${h.nodeCount} nodes (Pulumi mock runtime; nothing is contacted)`);
      },
      nodes: (nodes) => sink.nodes(nodes),
      summary: (summary) => sink.summary(summary),
    });
    finished = true;
  } finally {
    progress.done(finished ? `planned ${planned} node${planned === 1 ? "" : "s"} in ${((Date.now() - started) / 1000).toFixed(1)}s` : undefined);
  }
  if (opts.base) io.out(["", `Server changes against ${opts.base}:`, ...changesAgainst(opts.base, opts), ""].join("\n"));
  for (const v of violations) io.err(`policy ${v.policy}: ${v.resource}: ${v.message}`);
  return violations.length > 0 ? EXIT.invalidInput : EXIT.ok;
}

/** Rebuilds (which erase disks) and resizes that the fleet edit causes, compared with a base. */
function changesAgainst(base: string, opts: PlanOptions): string[] {
  const settings = readStackFile(opts.projectDir, opts.stack).stack!.settings;
  const catalog = loadCatalog(opts.catalogDir);
  const head = validateFleetFile(resolve(opts.projectDir, opts.fleet ?? settings.fleetFile), catalog).fleet!;
  const baseFleet = loadFleet(base).fleet;
  const before = baseFleet ? plansAsDeployed(baseFleet, catalog, settings) : [];
  const lines = serverChanges(before, planFleet(head, catalog, settings)).map((c) => `  ${describeServerChange(c)}`);
  return lines.length > 0 ? lines : ["  none: no server is rebuilt or resized"];
}
