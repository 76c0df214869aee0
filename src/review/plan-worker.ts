// One offline plan in its own process: Pulumi's mocks are process-wide, and `fleet diff`
// plans two revisions side by side. Run from a revision's copy of dist/ (see revision.ts),
// so the program reads that revision's catalog and playbooks.
import { planStack } from "../offline/plan-stack";
import { InvalidInputError } from "../source/issues";
import { reviewOutputs } from "./fake-outputs";

async function run(): Promise<void> {
  const [stack, projectDir, fleetFile] = process.argv.slice(2);
  if (!stack || !projectDir || !fleetFile) {
    process.stderr.write("usage: plan-worker STACK PROJECT_DIR FLEET_FILE\n");
    process.exitCode = 2;
    return;
  }
  try {
    const plan = await planStack({ stack, projectDir, fleetFile, fakeOutputs: reviewOutputs });
    process.stdout.write(JSON.stringify(plan));
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    process.stderr.write(JSON.stringify(err.issues));
    process.exitCode = 1;
  }
}

if (require.main === module) void run();
