import { eur } from "../format/money";
import { table } from "../format/table";
import type { FleetDiff } from "./diff";
import { affectedStacks } from "./report-json";

/** The terminal view: one line per changed node, its consequences below, then totals. */
export function diffText(diff: FleetDiff): string {
  const lines = [`fleet diff ${diff.base} → ${diff.head}`, ""];
  const changed = diff.nodes.filter((n) => n.change !== "unchanged");
  if (changed.length === 0) lines.push("no node changes", "");
  for (const n of changed) {
    lines.push(`${n.change.toUpperCase().padEnd(9)} ${n.hostname} (${n.stack})  ${eur(n.monthlyCostEurBefore)} → ${eur(n.monthlyCostEurAfter)}`);
    for (const c of n.consequences) lines.push(`          ${c}`);
    n.steps.forEach((s, i) => lines.push(`          ${i + 1}. ${s}`));
    for (const r of n.resources.filter((x) => x.action !== "unchanged")) {
      lines.push(`            ${r.action.padEnd(9)} ${r.name}${r.changes.length > 0 ? `  [${r.changes.map((c) => c.input).join(", ")}]` : ""}`);
    }
  }
  if (diff.policy.length > 0) {
    lines.push("", "policy violations:");
    for (const v of diff.policy) lines.push(`  ${v.policy}: ${v.resource}: ${v.message}`);
  }
  const money = (c: { monthlyCostEurBefore: number; monthlyCostEurAfter: number; monthlyCostEurDelta: number }) =>
    [eur(c.monthlyCostEurBefore), eur(c.monthlyCostEurAfter), `${c.monthlyCostEurDelta >= 0 ? "+" : "-"}${eur(Math.abs(c.monthlyCostEurDelta))}`];
  lines.push("", table(["stack", "€/month before", "after", "delta"], [
    ...diff.stacks.map((s) => [s.stack, ...money(s)]),
    ["total", ...money(diff.totals)],
  ]), `affected stacks: ${affectedStacks(diff).join(", ") || "none"}`, `prices as of ${diff.pricesAsOf.head} (catalog/sizes.yaml)`);
  return lines.join("\n");
}
