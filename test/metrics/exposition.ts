/** A strict reader of Prometheus's text exposition format 0.0.4
 *  (prometheus.io/docs/instrumenting/exposition_formats, "Text format details"): every
 *  line is `# HELP`, `# TYPE` or a sample; a family's TYPE comes before its samples and
 *  once only; metric and label names match the data model's patterns; label values
 *  escape `\`, `"` and line feeds; a value is a float, `+Inf`, `-Inf` or `NaN`; a series
 *  appears once. Anything else throws with the line, so a test on it fails. */
export interface Family {
  readonly name: string;
  help?: string;
  type?: string;
  readonly samples: { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SUFFIXES = ["_bucket", "_sum", "_count"];

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, f = { name, samples: [] });
    return f;
  };
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("the exposition must end with a line feed");
  for (const line of lines.slice(0, -1)) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name: ${line}`);
      const f = family(name);
      if (kind === "HELP") {
        if (f.help !== undefined) throw new Error(`second HELP: ${line}`);
        f.help = rest;
      } else {
        if (f.type !== undefined || f.samples.length > 0) throw new Error(`TYPE twice or after samples: ${line}`);
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) throw new Error(`bad type: ${line}`);
        f.type = rest;
      }
      continue;
    }
    if (line.startsWith("#")) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, name, , labelText, valueText] = sample as unknown as [string, string, string, string | undefined, string];
    const labels = parseLabels(labelText ?? "", line);
    const value = valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : valueText === "NaN" ? NaN : Number(valueText);
    if (Number.isNaN(value) && valueText !== "NaN") throw new Error(`bad value: ${line}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`series twice: ${line}`);
    seen.add(key);
    const base = families.has(name) ? name : SUFFIXES.map((s) => name.endsWith(s) ? name.slice(0, -s.length) : "").find((n) => n && families.has(n)) ?? name;
    family(base).samples.push({ name, labels, value });
  }
  return families;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = /^([^=]+)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/.exec(rest);
    if (!m) throw new Error(`bad labels: ${line}`);
    const [all, name, raw] = m as unknown as [string, string, string];
    if (!LABEL.test(name) || name.startsWith("__")) throw new Error(`bad label name ${name}: ${line}`);
    if (name in labels) throw new Error(`label twice: ${line}`);
    labels[name] = raw.replace(/\\(n|\\|")/g, (_m, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(all.length);
  }
  return labels;
}

/** The value of one series, or undefined when it is not exposed. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.get(name) ?? families.get(name.replace(/_total$/, ""));
  const want = JSON.stringify(Object.entries(labels).sort());
  return family?.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}
