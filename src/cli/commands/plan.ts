import { planStack } from "../../offline/plan-stack";
import { EXIT, type Io } from "../format";
import { planJson, planMarkdown, planText } from "../plan-report";

export interface PlanOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleet?: string;
  readonly format: "text" | "json" | "markdown";
}

/** `fleet plan`: the offline plan of a stack, from the real program under mocks. */
export async function planCommand(io: Io, opts: PlanOptions): Promise<number> {
  const started = Date.now();
  io.err(`planning stack ${opts.stack} offline (Pulumi mock runtime; nothing is contacted)…`);
  const plan = await planStack({ stack: opts.stack, projectDir: opts.projectDir, ...(opts.fleet ? { fleetFile: opts.fleet } : {}) });
  const render = { text: planText, json: planJson, markdown: planMarkdown }[opts.format];
  io.out(render(plan));
  io.err(`planned ${plan.nodes.length} nodes, ${plan.resourceCount} resources in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return EXIT.ok;
}
