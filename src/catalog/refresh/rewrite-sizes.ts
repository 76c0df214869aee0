import { isMap, isNode, parseDocument, stringify, type Document } from "yaml";
import type { Catalog } from "../catalog";
import type { HetznerPrices, HetznerServerType } from "./hetzner-api";

/** What a refresh changed, in words, for the operator. */
export interface RefreshReport {
  readonly text: string;
  readonly changes: readonly string[];
  /** Types Hetzner sells that the catalog lacks: their capacity is ours to decide. */
  readonly notAdded: readonly string[];
}

const amount = (s: string) => Math.round(Number(s) * 10_000) / 10_000;

/** Prices per normalized region code; locations the catalog does not know are skipped. */
function pricesByRegion(type: HetznerServerType, catalog: Catalog): Map<string, { monthlyEur: number; hourlyEur: number }> {
  const byRegion = new Map<string, { monthlyEur: number; hourlyEur: number }>();
  for (const p of type.prices) {
    const region = catalog.findRegion("het", p.location);
    if (region) byRegion.set(region.code, { monthlyEur: amount(p.price_monthly.net), hourlyEur: amount(p.price_hourly.net) });
  }
  return byRegion;
}

/** The base price of a type: its lowest monthly price, which is the EU locations' (the
 *  catalog's `monthlyEur`); other locations keep theirs in `locationPrices`. */
function basePrice(prices: Map<string, { monthlyEur: number; hourlyEur: number }>) {
  return [...prices.values()].sort((a, b) => a.monthlyEur - b.monthlyEur)[0];
}

/** Rewrites catalog/sizes.yaml text with Hetzner's current prices, locations and
 *  deprecations, keeping every comment and the layout: only values change. Net prices
 *  (VAT excluded), as the catalog states. `today` is the new `prices.asOf`. */
export function rewriteSizes(text: string, api: HetznerPrices, catalog: Catalog, today: string): RefreshReport {
  if (api.currency !== "EUR") throw new Error(`the Hetzner project bills in ${api.currency}; the catalog holds EUR prices`);
  const doc: Document = parseDocument(text);
  const het = doc.getIn(["sizes", "het"]);
  if (!isMap(het)) throw new Error("catalog/sizes.yaml has no sizes.het map");
  const changes: string[] = [];
  const set = (name: string, key: string, value: unknown, what: string) => {
    const before = doc.getIn(["sizes", "het", name, key]) as unknown;
    const plain = before !== null && typeof before === "object" && "toJSON" in before ? (before as { toJSON(): unknown }).toJSON() : before;
    if (JSON.stringify(plain) === JSON.stringify(value)) return;
    if (value === undefined) doc.deleteIn(["sizes", "het", name, key]);
    else doc.setIn(["sizes", "het", name, key], doc.createNode(value, { flow: true }));
    changes.push(`${name}: ${what}`);
  };
  const offered = new Map(api.serverTypes.map((t) => [t.name, t]));
  for (const pair of het.items) {
    const name = String((pair.key as { value?: unknown }).value ?? pair.key);
    const type = offered.get(name);
    if (!type || type.prices.length === 0) {
      set(name, "deprecated", true, "no longer offered by Hetzner; marked deprecated");
      continue;
    }
    const prices = pricesByRegion(type, catalog);
    const base = basePrice(prices);
    if (!base) continue;
    set(name, "monthlyEur", base.monthlyEur, `€${base.monthlyEur}/month`);
    set(name, "hourlyEur", base.hourlyEur, `€${base.hourlyEur}/hour`);
    const regionOrder = catalog.regions("het").map((r) => r.code);
    set(name, "locations", regionOrder.filter((code) => prices.has(code)), `sold in ${regionOrder.filter((code) => prices.has(code)).join(", ")}`);
    const others = Object.fromEntries([...prices].filter(([, p]) => p.monthlyEur !== base.monthlyEur || p.hourlyEur !== base.hourlyEur)
      .sort(([a], [b]) => regionOrder.indexOf(a) - regionOrder.indexOf(b)));
    set(name, "locationPrices", Object.keys(others).length > 0 ? others : undefined,
      Object.keys(others).length > 0 ? `own prices in ${Object.keys(others).join(", ")}` : "one price everywhere");
    if (type.deprecation || type.deprecated) set(name, "deprecated", true, `deprecated by Hetzner${type.deprecation ? ` (unavailable after ${type.deprecation.unavailable_after.slice(0, 10)})` : ""}`);
  }
  const known = new Set(het.items.map((p) => String((p.key as { value?: unknown }).value ?? p.key)));
  const notAdded = api.serverTypes.filter((t) => !known.has(t.name) && !t.deprecation && !t.deprecated).map((t) => t.name);
  doc.setIn(["prices", "asOf"], today);
  doc.setIn(["prices", "source"], "Hetzner Cloud API (GET /v1/server_types, net prices per location)");
  const changed = new Set(changes.map((c) => c.slice(0, c.indexOf(":"))));
  return { text: spliced(text, doc, changed) ?? doc.toString({ lineWidth: 0 }), changes, notAdded };
}

/** The original text with only the changed values rewritten in place: each changed
 *  size's one-line entry and the price date and source. Alignment and everything else
 *  stay byte for byte, so a reviewer's diff shows just the prices that moved. Undefined
 *  when a changed value spans lines (then the whole document is re-emitted). */
function spliced(original: string, updated: Document, changed: ReadonlySet<string>): string | undefined {
  const before = parseDocument(original);
  const edits: { start: number; end: number; text: string }[] = [];
  const replace = (path: (string | number)[], text: string): boolean => {
    const node = before.getIn(path, true);
    if (!isNode(node) || !node.range) return false;
    const [start, end] = node.range;
    if (original.slice(start, end).includes("\n")) return false;
    edits.push({ start, end, text });
    return true;
  };
  const flow = (value: unknown) => stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trim();
  for (const name of changed) {
    if (!replace(["sizes", "het", name], flow(updated.getIn(["sizes", "het", name])))) return undefined;
  }
  for (const key of ["asOf", "source"]) {
    if (!replace(["prices", key], JSON.stringify(updated.getIn(["prices", key])))) return undefined;
  }
  let text = original;
  for (const edit of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}
