import { describe, expect, it } from "vitest";
import { cronProblem } from "../../src/fleet/cron";

describe("cronProblem", () => {
  it.each(["0 2 * * *", "*/15 * * * *", "30 3 1,15 * mon-fri", "0 0 * jan,jul 0", "5-10/2 1 * * 7"])("accepts %s", (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });

  it.each([
    ["0 2 * *", "expected 5 fields"],
    ["60 2 * * *", 'minute "60"'],
    ["0 2 0 * *", 'day of month "0"'],
    ["0 2 * 13 *", 'month "13"'],
    ["0 2 * * 8", 'day of week "8"'],
    ["0 5-2 * * *", 'hour "5-2"'],
    ["*/0 * * * *", 'minute "*/0"'],
  ])("rejects %s", (expr, problem) => {
    expect(cronProblem(expr)).toContain(problem);
  });
});
