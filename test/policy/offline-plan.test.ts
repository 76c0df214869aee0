import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_DIR } from "../../src/catalog/load";
import type { PlanHeader, PlannedNode, PlannedResource, PlanSink } from "../../src/offline/plan-stack";
import { policyCheckedSink, type PolicyViolation } from "../../src/review/policy";

const ROOT = join(__dirname, "../..");

/** `fleet plan` of the repository's prd stack with a fleet text of the test's own. */
function plan(fleet?: string) {
  const dir = mkdtempSync(join(tmpdir(), "policy-plan-"));
  writeFileSync(join(dir, "Pulumi.prd.yaml"), readFileSync(join(ROOT, "Pulumi.prd.yaml"), "utf8"));
  if (fleet === undefined) cpSync(join(ROOT, "fleet.yaml"), join(dir, "fleet.yaml"));
  else writeFileSync(join(dir, "fleet.yaml"), fleet);
  const run = spawnSync(join(ROOT, "bin/fleet"), ["plan", "--stack", "prd", "--project", dir], { encoding: "utf8" });
  return { code: run.status, stderr: run.stderr };
}

const header: PlanHeader = {
  stack: "prd", environment: "prd", nodeCount: 1, totalMonthlyCostEur: 0, secretsNeeded: [], warnings: [], catalogDir: DEFAULT_CATALOG_DIR,
};

const firewall = (sourceIps: string[]): PlannedResource => ({
  type: "hcloud:index/firewall:Firewall", name: "prd-sha-het-de-fsn1-001-fw", urn: "urn:pulumi:prd::node-fleet::hcloud:index/firewall:Firewall::prd-sha-het-de-fsn1-001-fw",
  inputs: { name: "prd-sha-het-de-fsn1-001", rules: [{ direction: "in", protocol: "tcp", port: "22", sourceIps }] },
  protect: true, dependsOn: [], deleteBeforeReplace: true, ignoreChanges: [],
});

const node = (resources: PlannedResource[]): PlannedNode => ({
  hostname: "prd-sha-het-de-fsn1-001", fqdn: "prd-sha-het-de-fsn1-001.infra.example.com", monthlyCostEur: 0, protect: true, resources, resourceCount: resources.length,
});

/** Streams one batch through the policy-checked sink and returns what reached the inner sink and the violations. */
function stream(resources: PlannedResource[]) {
  const seen: string[] = [];
  const inner: PlanSink = { header: () => seen.push("header"), nodes: (n) => seen.push(`nodes ${n.length}`), summary: () => seen.push("summary") };
  const violations: PolicyViolation[] = [];
  const sink = policyCheckedSink(inner, violations);
  sink.header(header);
  sink.nodes([node(resources)]);
  sink.summary({ fleetResources: [], resourceCount: resources.length });
  return { seen, violations };
}

describe("fleet plan runs the policy pack's rules offline", () => {
  it("exits 0 for the repository's prd stack", () => {
    expect(plan().code).toBe(0);
  });

  it("checks every streamed batch and passes the plan on unchanged", () => {
    const { seen, violations } = stream([firewall(["0.0.0.0/0", "::/0"])]);
    expect(seen).toEqual(["header", "nodes 1", "summary"]);
    expect(violations).toEqual(["0.0.0.0/0", "::/0"].map((source) => ({
      policy: "admin-ports-not-world-open", resource: "prd-sha-het-de-fsn1-001-fw",
      message: `prd firewall prd-sha-het-de-fsn1-001-fw: "${source}" opens port 22 to the world; prd accepts admin sources only`,
    })));
  });

  it("finds nothing in a batch that keeps to the rules", () => {
    expect(stream([firewall(["203.0.113.10/32"])]).violations).toEqual([]);
  });

  it("never gets an unprotected prd server to check: the fleet file refuses `protect: false` on a prd node first", () => {
    const run = plan("nodes:\n  prd-sha-het-de-fsn1-001: { size: cpx22, image: ubuntu-24.04, protect: false }\n");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/fleet\.yaml:2:\d+: error: prd-sha-het-de-fsn1-001: a prd node cannot set protect: false/);
  });
});
