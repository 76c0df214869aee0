import { escapeControl } from "./control-chars";

/** How bad a problem is: errors stop a deploy, warnings are shown and let it go on. */
export type Severity = "error" | "warning";

/** A place in a source file, 1-based like editors and compilers. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One problem found in an input file, with where it is and what rule found it. */
export interface Issue extends SourcePos {
  readonly severity: Severity;
  /** Stable id of the rule that found it (e.g. `country-matches-region`), for tools. */
  readonly code: string;
  readonly message: string;
}

/** An issue at a position. Rules build issues only through this. */
export function issueAt(pos: SourcePos, code: string, message: string, severity: Severity = "error"): Issue {
  return { file: pos.file, line: pos.line, col: pos.col, severity, code, message };
}

/** Compiler style, `FILE:LINE:COL: severity: message`, so editors and CI annotate it.
 *  Messages quote input (a hostname, a key, a label): its control characters are
 *  escaped, so one issue is one line and never drives the reader's terminal. */
export function formatIssue(issue: Issue): string {
  return escapeControl(`${issue.file}:${issue.line}:${issue.col}: ${issue.severity}: ${issue.message}`);
}

/** True when any issue is an error (warnings alone let the input through). */
export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === "error");
}

/** Issues in reading order: by file, line, then column. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col,
  );
}

/** Thrown where a caller cannot go on without valid input; carries every issue found. */
export class InvalidInputError extends Error {
  constructor(public readonly issues: readonly Issue[]) {
    super(sortIssues(issues).map(formatIssue).join("\n"));
    this.name = "InvalidInputError";
  }
}
