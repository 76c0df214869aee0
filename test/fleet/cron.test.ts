import { describe, expect, it } from "vitest";
import { cronProblem } from "../../src/fleet/cron";

describe("cronProblem", () => {
  it.each(["0 2 * * *", "*/15 * * * *", "30 3 1,15 * mon-fri", "0 0 * jan,jul 0", "5-10/2 1 * * 7", "0 2 29 2 *", "0 2 31 2 1", " 0 2 * * * "])(
    "accepts %s", (expr) => {
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

  it.each(["0 2 31 2 *", "0 2 30 feb *", "0 2 31 4,6,9,11 *", "0 2 31 2 */2"])("rejects %s, which can never run", (expr) => {
    expect(cronProblem(expr)).toBe("it can never run: no selected month has the selected day of month");
  });

  it.each([
    ["0 2 * * *\n* * * * * root sh", "U+000A", 10],
    ["0\u00A02 * * *", "U+00A0", 2],
    ["0 2 * * *\u2003", "U+2003", 10],
    ["0\t2 * * *", "U+0009", 2],
    ["0 2 * * *;", "U+003B", 10],
  ])("rejects %j: a character outside the cron grammar would break the root crontab line", (expr, code, position) => {
    expect(cronProblem(expr)).toBe(`character ${code} at position ${position} is not allowed; ` +
      "a schedule holds only digits, month and weekday names, * , - / and spaces");
  });
});
