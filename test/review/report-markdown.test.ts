import { describe, expect, it } from "vitest";
import type { FleetDiff } from "../../src/review/diff";
import type { NodeChange } from "../../src/review/node-change";
import { COMMENT_LIMIT, COMMENT_MARKER, diffMarkdown } from "../../src/review/report-markdown";

function node(i: number, change: NodeChange["change"]): NodeChange {
  const hostname = `prd-sha-het-de-fsn1-${String(i % 1000).padStart(3, "0")}`;
  return {
    hostname, stack: "prd", change, consequences: [`${change} of ${hostname}: ${"a long explanation ".repeat(5)}`], steps: [],
    monthlyCostEurBefore: 5.99, monthlyCostEurAfter: 10.49,
    resources: [{ type: "hcloud:index/server:Server", name: `${hostname}-server`, urn: `urn:${hostname}`, action: "update", deleteBeforeReplace: true,
      replaceBecause: [], changes: [{ input: "serverType", before: "cpx22", after: "cpx32" }] }],
  };
}

function fleetDiff(nodes: NodeChange[]): FleetDiff {
  return {
    base: "origin/main (0123456789ab)", head: "working tree", pricesAsOf: { base: "2025-10-16", head: "2025-10-16" },
    stacks: [{ stack: "prd", counts: { create: 0, update: 0, resize: nodes.length, rebuild: 0, delete: 0, blocked: 0, unchanged: 0 },
      monthlyCostEurBefore: 1, monthlyCostEurAfter: 2, monthlyCostEurDelta: 1, stackResources: [], nodesPlanned: nodes.length }],
    nodes, destructive: nodes.filter((n) => n.change === "rebuild").map((n) => n.hostname),
    totals: { monthlyCostEurBefore: 1, monthlyCostEurAfter: 2, monthlyCostEurDelta: 1 },
    policy: [],
  };
}

describe("the pull-request comment", () => {
  it("starts with its marker and the summary table, and keeps every node's details when they fit", () => {
    const text = diffMarkdown(fleetDiff([node(1, "resize"), node(2, "rebuild")]));
    expect(text.startsWith(`${COMMENT_MARKER}\n## fleet diff: origin/main (0123456789ab) → working tree`)).toBe(true);
    expect(text).toContain("| prd | 0 | 0 | 2 | 0 | 0 | 0 | 0 | €1.00 | €2.00 | +€1.00 |");
    expect(text.match(/<details>/g)).toHaveLength(2);
    expect(text).not.toContain("were cut");
  });

  it("lists policy violations in the summary", () => {
    const text = diffMarkdown({ ...fleetDiff([node(1, "resize")]), policy: [{ policy: "reserved-labels", resource: "prd-sha-het-de-fsn1-001-server", message: "lacks env" }] });
    expect(text).toContain("### ❌ Policy violations (1)\n\n- **reserved-labels** `prd-sha-het-de-fsn1-001-server`: lacks env");
  });

  it("puts destructive nodes' details first", () => {
    const text = diffMarkdown(fleetDiff([node(1, "resize"), node(2, "rebuild")]));
    expect(text.indexOf("<b>rebuild</b>")).toBeLessThan(text.indexOf("<b>resize</b>"));
  });

  it("stays under GitHub's limit for a change to 3,000 nodes, cutting details and saying how many", () => {
    const nodes = Array.from({ length: 3000 }, (_, i) => node(i, "resize"));
    const text = diffMarkdown(fleetDiff(nodes));
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const shown = text.match(/<details>/g)!.length;
    expect(shown).toBeGreaterThan(10);
    expect(text).toContain(`_Details of ${3000 - shown} more changed nodes were cut to stay under GitHub's 65536-character comment limit`);
    expect(text).toContain("| prd | 0 | 0 | 3000 |");
  });

  it("shortens the destructive list, saying how many it leaves out, when it alone would not fit", () => {
    const nodes = Array.from({ length: 3000 }, (_, i) => node(i, "rebuild"));
    const text = diffMarkdown(fleetDiff(nodes));
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const listed = text.match(/^- 💥 \*\*rebuild\*\*/gm)!.length;
    expect(listed).toBeGreaterThan(100);
    expect(text).toContain(`- … and ${3000 - listed} more destructive changes; \`fleet diff --json\` lists them all`);
  });
});
