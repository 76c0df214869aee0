// One offline plan in its own process: Pulumi's mocks are process-wide, and `fleet diff`
// plans two revisions side by side. Run from a revision's copy of dist/ (see revision.ts),
// so the program reads that revision's catalog and playbooks; planStack plans in worker
// batches under it, so a change that touches every node stays within memory. It starts
// before it knows what to plan: the request arrives as one JSON line on stdin
// ({stack, projectDir, fleetFile}); stdin closing without a request means there is
// nothing to plan.
import { collectPlan } from "../offline/plan-stack";
import { InvalidInputError } from "../source/issues";

/** What the parent asks for. */
export interface PlanRequest {
  readonly stack: string;
  readonly projectDir: string;
  readonly fleetFile: string;
}

async function run(): Promise<void> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  if (input.trim() === "") return;
  const request = JSON.parse(input) as PlanRequest;
  try {
    const plan = await collectPlan({ ...request, knownOutputs: true });
    process.stdout.write(JSON.stringify(plan));
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    process.stderr.write(JSON.stringify(err.issues));
    process.exitCode = 1;
  }
}

if (require.main === module) void run();
