import { describe, expect, it } from "vitest";
import { issuesOf, validateFixture, validateText } from "../../helpers";

describe("fleet-schema: unknown fields", () => {
  const issues = issuesOf(validateFixture("unknown-fields.yaml"), "fleet-schema");

  it("rejects an unknown node field with a did-you-mean and the allowed fields", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 7, col: 5, message: expect.stringMatching(/^unknown field "dispayName"; did you mean "displayName"\?; allowed: size, image, panel, displayName,/),
    }));
  });

  it("rejects an unknown field in defaults, and replaces there", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 2, col: 3, message: expect.stringContaining('unknown field "sizee"; did you mean "size"?') }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 3, col: 3, message: expect.stringContaining('unknown field "replaces"') }));
  });

  it("rejects an unknown nested field and names where it is", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 9, col: 7, message: 'unknown field "retention" in backups of prd-sha-het-de-fsn1-001; allowed: enabled, retentionDays, schedule',
    }));
  });

  it("rejects an unknown top-level key without hiding the others", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 10, col: 1, message: expect.stringContaining('unknown field "nodse"; did you mean "nodes"?') }));
    expect(issues).toHaveLength(5);
  });
});

describe("fleet-schema: field values", () => {
  const issues = issuesOf(validateFixture("field-values.yaml"), "fleet-schema");

  it("rejects a negative rebuild counter", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 5, col: 14, message: "rebuild of prd-sha-het-de-fsn1-001 must be at least 0, found -1" }));
  });

  it("rejects a status outside active and maintenance", () => {
    expect(issues).toContainEqual(expect.objectContaining({
      line: 6, col: 13, message: 'status of prd-sha-het-de-fsn1-001 is "stopped"; allowed: active, maintenance',
    }));
  });

  it("rejects a quoted boolean", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 7, col: 14, message: 'protect of prd-sha-het-de-fsn1-001 must be true or false, found "yes"' }));
  });

  it("rejects a backup schedule that is not 5-field cron", () => {
    expect(issues).toContainEqual(expect.objectContaining({ line: 9, col: 17, message: expect.stringContaining('hour "25" is not valid') }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 12, col: 17, message: expect.stringContaining("expected 5 fields") }));
  });

  it("rejects a backup schedule with a line break, which would add a line to root's crontab, in one line of output", () => {
    const found = validateText('defaults: { size: cpx22 }\nnodes:\n  prd-sha-het-de-fsn1-001:\n    backups: { schedule: "0 2 * * *\\n* * * * * root sh" }\n');
    expect(found).toEqual([expect.objectContaining({ line: 4, col: 26,
      message: 'backups.schedule of prd-sha-het-de-fsn1-001: "0 2 * * *\\n* * * * * root sh" is not a cron schedule: ' +
        "character U+000A at position 10 is not allowed; a schedule holds only digits, month and weekday names, * , - / and spaces" })]);
  });
});

describe("fleet file shape", () => {
  it("reports a YAML syntax error with its position", () => {
    expect(validateFixture("syntax-error.yaml")).toEqual([
      expect.objectContaining({ code: "yaml-syntax", line: 3, col: 3, severity: "error" }),
    ]);
  });

  it("rejects nodes given as a list", () => {
    expect(validateFixture("nodes-not-a-map.yaml")).toEqual([
      expect.objectContaining({ line: 1, col: 8, message: "nodes must be a map, found a list" }),
    ]);
  });

  it("finds nothing wrong in a valid fleet", () => {
    expect(validateFixture("valid.yaml")).toEqual([]);
  });

  it("reports a missing file as a positioned issue", () => {
    expect(validateFixture("no-such-file.yaml")).toEqual([
      expect.objectContaining({ line: 1, col: 1, message: "cannot read fleet file: no such file" }),
    ]);
  });
});
