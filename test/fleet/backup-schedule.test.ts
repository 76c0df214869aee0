import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readStackFile } from "../../src/stack/stack-file";
import { validateText } from "../helpers";

const ROOT = join(__dirname, "../..");
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A schedule reaches a root crontab line on the node: both places that set one refuse
 *  anything outside the cron grammar (issue 8 point 9). */
describe("backup schedules that would break root's crontab", () => {
  const HOSTILE = ["0 2 * * *\\n* * * * * root sh -c id", "0\\u00A02 * * *", "0 2 31 2 *"];

  it.each(HOSTILE)("the fleet file refuses %j", (schedule) => {
    const issues = validateText(`defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001:\n    backups: { schedule: "${schedule}" }\n`);
    expect(issues).toEqual([expect.objectContaining({ line: 4, severity: "error", message: expect.stringContaining("is not a cron schedule") })]);
  });

  it.each(HOSTILE)("the stack settings refuse %j", (schedule) => {
    dir = mkdtempSync(join(tmpdir(), "schedule-"));
    const text = readFileSync(join(ROOT, "Pulumi.prd.yaml"), "utf8").replace('schedule: "0 2 * * *"', `schedule: "${schedule}"`);
    writeFileSync(join(dir, "Pulumi.prd.yaml"), text);
    const { stack, issues } = readStackFile(dir, "prd");
    expect(stack).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ severity: "error", message: expect.stringContaining("cron schedule") })]);
  });
});
