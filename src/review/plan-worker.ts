// One offline plan in its own process: Pulumi's mocks are process-wide, and `fleet diff`
// plans two revisions side by side. Run from a revision's copy of dist/ (see revision.ts),
// so the program reads that revision's catalog and playbooks. It starts before it knows
// what to plan, so loading Pulumi overlaps the parent's own work: the request arrives
// as one JSON line on stdin ({stack, projectDir, fleetFile}); stdin closing without a
// request means there is nothing to plan.
import { planStack } from "../offline/plan-stack";
import { InvalidInputError } from "../source/issues";
import { reviewOutputs } from "./fake-outputs";

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
    const plan = await planStack({ ...request, fakeOutputs: reviewOutputs });
    process.stdout.write(JSON.stringify(plan));
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    process.stderr.write(JSON.stringify(err.issues));
    process.exitCode = 1;
  }
}

if (require.main === module) void run();
