const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

/** Longest month lengths, 29 for February (leap years come round). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Checks a standard 5-field cron expression (what Virtualmin's scheduler and cron
 *  accept: `*`, numbers, names, ranges, steps and lists). The schedule ends up in a
 *  root crontab line, so only the characters of that grammar pass: a newline or a
 *  non-ASCII space would end or split the line. Returns the problem, if any. */
export function cronProblem(expression: string): string | undefined {
  const stray = /[^0-9A-Za-z*,/\- ]/.exec(expression);
  if (stray) {
    const code = stray[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `character U+${code} at position ${stray.index + 1} is not allowed; ` +
      "a schedule holds only digits, month and weekday names, * , - / and spaces";
  }
  const parts = expression.trim().split(/ +/);
  if (parts.length !== FIELDS.length) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  }
  const sets: Set<number>[] = [];
  for (const [index, spec] of FIELDS.entries()) {
    const field = fieldValues(parts[index]!, spec.min, spec.max, "names" in spec ? spec.names : []);
    if (typeof field === "string") {
      return `${spec.name} "${field}" is not valid; allowed: ${spec.min}-${spec.max}, *, ranges, steps (*/n) and lists`;
    }
    sets.push(field);
  }
  return neverFires(parts, sets[2]!, sets[3]!);
}

/** The values a field selects, or the list item that is not valid. */
function fieldValues(field: string, min: number, max: number, names: readonly string[]): Set<number> | string {
  const value = (token: string): number | undefined => {
    const named = names.indexOf(token.toLowerCase());
    if (named >= 0) return named + (min === 1 ? 1 : 0);
    return /^\d+$/.test(token) ? Number(token) : undefined;
  };
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const match = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
    const bounds = match?.[1] === "*" ? [min, max] : (match?.[1]?.split("-").map(value) ?? [undefined]);
    const step = match?.[2] === undefined ? 1 : Number(match[2]);
    const [from, to = from] = bounds;
    if (!match || step === 0 || from === undefined || to === undefined || from < min || to > max || from > to) return item;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Cron (Vixie cron, as in Debian: `cron.c` `find_jobs`) runs a job on a day when
 *  day-of-month AND day-of-week match if either field starts with `*`, else when
 *  EITHER matches. Every weekday falls on every date in some year, so such a schedule
 *  fires exactly when one of its dates exists; `0 2 31 2 *` (31 February) never does. */
function neverFires(parts: readonly string[], days: Set<number>, months: Set<number>): string | undefined {
  const either = !parts[2]!.startsWith("*") && !parts[4]!.startsWith("*");
  if (either) return undefined;
  for (const month of months) {
    for (const day of days) if (day <= DAYS_IN_MONTH[month - 1]!) return undefined;
  }
  return "it can never run: no selected month has the selected day of month";
}
