import type { Catalog } from "../../catalog/catalog";
import { ENVIRONMENTS } from "../../fleet/naming";
import { validateFleetFile } from "../../fleet/validate";
import { hasErrors } from "../../source/issues";
import { EXIT, printIssues, type Io } from "../format";
import { progressLine } from "../progress";

export interface ValidateOptions {
  readonly file: string;
  readonly format: "text" | "json";
}

/** `fleet validate`: every problem, one per line; exit 1 when any is an error. */
export function validateCommand(io: Io, catalog: Catalog, opts: ValidateOptions): number {
  const progress = progressLine(io, opts.format === "text");
  progress.update(`validating ${opts.file}…`);
  const { fleet, issues } = validateFleetFile(opts.file, catalog);
  progress.done();
  printIssues(io, issues, opts.format);
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  if (opts.format === "text") {
    const counts = [errors && `${errors} error${errors === 1 ? "" : "s"}`, warnings && `${warnings} warning${warnings === 1 ? "" : "s"}`]
      .filter(Boolean).join(", ");
    if (hasErrors(issues)) {
      io.err(`${opts.file}: invalid (${counts})`);
    } else {
      const nodes = fleet?.nodes ?? [];
      const perEnv = ENVIRONMENTS.map(({ code }) => `${code} ${nodes.filter((n) => n.hostname.startsWith(`${code}-`)).length}`);
      io.out(`${opts.file}: ${nodes.length} node${nodes.length === 1 ? "" : "s"} valid (${perEnv.join(", ")})${counts ? `, ${counts}` : ""}`);
    }
  }
  return hasErrors(issues) ? EXIT.invalidInput : EXIT.ok;
}
