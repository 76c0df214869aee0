import { formatIssue, type Issue } from "../source/issues";

/** Where a command writes: stdout for results, stderr for problems and progress. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 ok, 1 the input (fleet, catalog, stack file) is wrong, 2 the command line is wrong;
 *  10: `fleet diff` found a rebuild, a removal or a blocked change (CI asks for an extra approval). */
export const EXIT = { ok: 0, invalidInput: 1, usage: 2, destructiveChange: 10 } as const;

/** Prints issues one per line in compiler style, or as a JSON array for tools. */
export function printIssues(io: Io, issues: readonly Issue[], format: "text" | "json" = "text"): void {
  if (format === "json") io.out(JSON.stringify(issues, null, 2));
  else for (const issue of issues) io.err(formatIssue(issue));
}

/** Left-aligned text columns; numbers are right-aligned so they line up. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows].map((row) => row.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const line = (row: readonly string[]) =>
    row.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cells[0]!), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

/** `€12.49` */
export function eur(amount: number): string {
  return `€${amount.toFixed(2)}`;
}
