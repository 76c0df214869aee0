const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

/** Checks a standard 5-field cron expression (what Virtualmin's scheduler and cron
 *  accept: `*`, numbers, names, ranges, steps and lists). Returns the problem, if any. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  }
  for (const [index, spec] of FIELDS.entries()) {
    const names: readonly string[] = "names" in spec ? spec.names : [];
    const value = (token: string): number | undefined => {
      const named = names.indexOf(token.toLowerCase());
      if (named >= 0) return named + (spec.min === 1 ? 1 : 0);
      return /^\d+$/.test(token) ? Number(token) : undefined;
    };
    for (const item of parts[index]!.split(",")) {
      const match = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
      const bounds = match?.[1] === "*" ? [] : (match?.[1]?.split("-") ?? [""]);
      const numbers = bounds.map(value);
      const bad = !match || (match[2] !== undefined && Number(match[2]) === 0) ||
        numbers.some((n) => n === undefined || n < spec.min || n > spec.max) ||
        (numbers.length === 2 && numbers[0]! > numbers[1]!);
      if (bad) return `${spec.name} "${item}" is not valid; allowed: ${spec.min}-${spec.max}, *, ranges, steps (*/n) and lists`;
    }
  }
  return undefined;
}
