import { loadCatalog } from "../../catalog/load";
import { planStack } from "../../offline/plan-stack";
import { checkPolicies } from "../../review/policy";
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
  // The policy pack's rules (policy/), offline: a violation fails the plan as it fails `pulumi preview --policy-pack`.
  const violations = checkPolicies([...plan.fleetResources, ...plan.nodes.flatMap((n) => n.resources)], { catalog: loadCatalog() });
  for (const v of violations) io.err(`policy ${v.policy}: ${v.resource}: ${v.message}`);
  return violations.length > 0 ? EXIT.invalidInput : EXIT.ok;
}
