import { eur } from "../format/money";
import type { FleetDiff } from "./diff";
import type { NodeChange } from "./node-change";

/** GitHub refuses a comment body over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

/** Marks the comment so the workflow edits the same one on every push. */
export const COMMENT_MARKER = "<!-- node-fleet:fleet-diff -->";

const delta = (d: number) => `${d > 0 ? "+" : d < 0 ? "−" : "±"}${eur(Math.abs(d))}`;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const ICON: Record<NodeChange["change"], string> = {
  create: "🆕", update: "✏️", resize: "↕️", rebuild: "💥", delete: "🗑️", blocked: "⛔", unchanged: "",
};

function summary(diff: FleetDiff, limit: number): string[] {
  const lines = [COMMENT_MARKER, `## fleet diff: ${diff.base} → ${diff.head}`, ""];
  const changed = diff.nodes.filter((n) => n.change !== "unchanged");
  if (changed.length === 0) lines.push("No node changes.", "");
  lines.push("| stack | create | update | resize | rebuild | delete | blocked | unchanged | €/month before | after | delta |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const s of diff.stacks) {
    const c = s.counts;
    lines.push(`| ${s.stack} | ${c.create} | ${c.update} | ${c.resize} | ${c.rebuild} | ${c.delete} | ${c.blocked} | ${c.unchanged} | ` +
      `${eur(s.monthlyCostEurBefore)} | ${eur(s.monthlyCostEurAfter)} | ${delta(s.monthlyCostEurDelta)} |`);
  }
  const t = diff.totals;
  lines.push(`| **total** | | | | | | | | ${eur(t.monthlyCostEurBefore)} | ${eur(t.monthlyCostEurAfter)} | **${delta(t.monthlyCostEurDelta)}** |`, "");
  for (const s of diff.stacks.filter((x) => x.stackResources.length > 0)) {
    lines.push(`Stack ${s.stack} itself: ${s.stackResources.map((r) => `${r.action} \`${r.name}\``).join(", ")}.`, "");
  }
  const dates = diff.pricesAsOf.base === diff.pricesAsOf.head ? diff.pricesAsOf.head : `${diff.pricesAsOf.base} (base), ${diff.pricesAsOf.head} (head)`;
  lines.push(`Prices: catalog/sizes.yaml as of ${dates}, EUR per month, net of VAT.`, "");
  if (diff.policy.length > 0) {
    lines.push(`### ❌ Policy violations (${diff.policy.length})`, "");
    for (const v of diff.policy.slice(0, 50)) lines.push(`- **${v.policy}** \`${v.resource}\`: ${cell(v.message)}`);
    if (diff.policy.length > 50) lines.push(`- … and ${diff.policy.length - 50} more; \`fleet diff --json\` lists them all`);
    lines.push("");
  }
  const destructive = diff.nodes.filter((n) => diff.destructive.includes(n.hostname));
  if (destructive.length > 0) {
    lines.push(`### ⚠️ Destructive changes (${destructive.length}) — need an extra approval`, "");
    // The list is the point of the summary, but it may not take the whole comment.
    let size = lines.join("\n").length;
    let listed = 0;
    for (const n of destructive) {
      const line = `- ${ICON[n.change]} **${n.change}** \`${n.hostname}\` (${n.stack}): ${n.consequences[0] ?? ""}`;
      if (size + line.length > limit / 2) break;
      lines.push(line);
      size += line.length + 1;
      listed++;
    }
    if (listed < destructive.length) lines.push(`- … and ${destructive.length - listed} more destructive changes; \`fleet diff --json\` lists them all`);
    lines.push("");
  }
  return lines;
}

function details(n: NodeChange): string {
  const lines = [`<details><summary>${ICON[n.change]} <b>${n.change}</b> <code>${n.hostname}</code> (${n.stack}) ` +
    `${eur(n.monthlyCostEurBefore)} → ${eur(n.monthlyCostEurAfter)}</summary>`, ""];
  for (const c of n.consequences) lines.push(`- ${c}`);
  if (n.steps.length > 0) {
    lines.push("", "To proceed:", "");
    n.steps.forEach((s, i) => lines.push(`${i + 1}. ${s}`));
  }
  const touched = n.resources.filter((r) => r.action !== "unchanged");
  if (touched.length > 0) {
    lines.push("", "| resource | action | inputs |", "| --- | --- | --- |");
    for (const r of touched) {
      const inputs = r.changes.map((c) => `${c.input}: ${cell(short(c.before))} → ${cell(short(c.after))}`).join("<br>");
      lines.push(`| \`${r.name}\` ${r.type.split(":").pop()} | ${r.action}${r.blocked ? " ⛔" : ""} | ${inputs} |`);
    }
  }
  lines.push("", "</details>", "");
  return lines.join("\n");
}

function short(value: unknown): string {
  const text = value === undefined ? "(none)" : typeof value === "string" ? value : JSON.stringify(value);
  return `\`${text.length > 120 ? `${text.slice(0, 117)}…` : text}\``;
}

/** The pull-request comment: the summary first, then one collapsible section per
 *  changed node, destructive ones first. Details are cut, never the summary, when the
 *  comment would pass GitHub's limit, and the comment says so. */
export function diffMarkdown(diff: FleetDiff, limit: number = COMMENT_LIMIT): string {
  const head = summary(diff, limit).join("\n");
  const order = (n: NodeChange) => (diff.destructive.includes(n.hostname) ? 0 : 1);
  const changed = diff.nodes.filter((n) => n.change !== "unchanged").sort((a, b) => order(a) - order(b));
  const sections = changed.map(details);
  const note = (shown: number) => `\n_Details of ${changed.length - shown} more changed nodes were cut to stay under GitHub's ` +
    `${limit}-character comment limit; run \`fleet diff --base <ref>\` locally for all of them._\n`;
  let body = head;
  let shown = 0;
  const reserve = note(0).length + 20;
  for (const section of sections) {
    if (body.length + 1 + section.length + reserve > limit) break;
    body += `\n${section}`;
    shown++;
  }
  if (shown < sections.length) body += note(shown);
  return body.length <= limit ? body : `${body.slice(0, limit - 80)}\n\n_The summary itself was cut at GitHub's comment limit._\n`;
}
