import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BATCH_NODES, planStack, type PlanHeader, type PlannedNode, type PlanSummary } from "../../src/offline/plan-stack";

const ROOT = join(__dirname, "../..");
const COUNT = 2 * BATCH_NODES + 10;
const name = (n: number) => `prd-sha-het-de-fsn1-${String(n).padStart(3, "0")}`;

/** A prd fleet of three batches whose last node replaces a node of the first batch. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "batches-"));
  cpSync(join(ROOT, "Pulumi.prd.yaml"), join(dir, "Pulumi.prd.yaml"));
  const nodes = Array.from({ length: COUNT }, (_, i) => `  ${name(i + 1)}: { size: cpx22, image: debian-12${i + 1 === COUNT ? `, replaces: ${name(2)}` : ""} }`);
  writeFileSync(join(dir, "fleet.yaml"), `nodes:\n${nodes.join("\n")}\n  stg-sha-het-de-fsn1-001: { size: cpx22, image: debian-12 }\n`);
  return dir;
}

describe("planStack in worker batches", () => {
  let header: PlanHeader;
  const batches: (readonly PlannedNode[])[] = [];
  let summary: PlanSummary;
  const progress: number[] = [];

  beforeAll(async () => {
    await planStack({ stack: "prd", projectDir: project(), progress: (done) => progress.push(done) }, {
      header: (h) => { header = h; },
      nodes: (nodes) => { batches.push(nodes); },
      summary: (s) => { summary = s; },
    });
  }, 300_000);

  it("announces the node count and the cost before planning", () => {
    expect(header).toEqual(expect.objectContaining({ stack: "prd", environment: "prd", nodeCount: COUNT, totalMonthlyCostEur: Math.round((5.99 + 0.5) * COUNT * 100) / 100 }));
  });

  it("delivers every node of the stack once, in hostname order, batch by batch", () => {
    expect(batches.map((b) => b.length)).toEqual([BATCH_NODES, BATCH_NODES, 10]);
    expect(batches.flat().map((n) => n.hostname)).toEqual(Array.from({ length: COUNT }, (_, i) => name(i + 1)));
  });

  it("plans a node whose replaces target is in another batch without reporting the target twice", () => {
    const last = batches.at(-1)!;
    expect(last.map((n) => n.hostname)).not.toContain(name(2));
    expect(last.at(-1)?.resources.map((r) => r.name)).toContain(`${name(COUNT)}-server`);
  });

  it("counts the resources of every node and reports progress per batch", () => {
    expect(summary.resourceCount).toBe(17 * COUNT);
    expect(progress).toEqual([BATCH_NODES, 2 * BATCH_NODES, COUNT]);
  });
});
