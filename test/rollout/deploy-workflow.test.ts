import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; id?: string };
const deploy = parse(readFileSync(join(__dirname, "../../.github/workflows/deploy.yml"), "utf8")) as { jobs: Record<string, { steps: Step[] }> };

describe("the deploy workflow", () => {
  it.each(["up", "up-prd"])("rolls re-provisioning out in waves before %s's pulumi up, which leaves the deferred nodes' provisioning out", (job) => {
    const steps = deploy.jobs[job]!.steps;
    const rollout = steps.findIndex((s) => s.run?.startsWith('node bin/fleet rollout --stack "$STACK" --deferred-urns "$RUNNER_TEMP/deferred-urns"'));
    const up = steps.findIndex((s) => s.with?.command === "up");
    expect(rollout).toBeGreaterThan(0);
    expect(rollout).toBeLessThan(up);
    expect(steps[rollout]!.id).toBe("rollout");
    expect(steps[up]!.with!.exclude).toBe("${{ steps.rollout.outputs.exclude }}");
  });
});
