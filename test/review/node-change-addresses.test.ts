import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateFleetFile } from "../../src/fleet/validate";
import { planFleet } from "../../src/plan/node-plan";
import type { ResourceAction, ResourceStep } from "../../src/review/engine-step";
import { consequences } from "../../src/review/node-change";
import { readStackFile } from "../../src/stack/stack-file";
import { bundledCatalog, FIXTURES } from "../helpers";

const fleet = validateFleetFile(join(FIXTURES, "fleet", "valid.yaml"), bundledCatalog()).fleet!;
const before = planFleet(fleet, bundledCatalog(), readStackFile(join(__dirname, "../.."), "prd").stack!.settings)[0]!;
const after = { ...before, rebuild: before.rebuild + 1 };
const NODE = before.hostname;

const stepOf = (type: string, suffix: string, action: ResourceAction): ResourceStep => ({
  type, name: `${NODE}${suffix}`, urn: `urn:${suffix}`, action, changes: [], deleteBeforeReplace: true,
  replaceBecause: action === "replace" ? ["replacementTrigger"] : [],
});
const rebuildWith = (ipAction: ResourceAction) => [
  stepOf("hcloud:index/server:Server", "-server", "replace"),
  stepOf("hcloud:index/primaryIp:PrimaryIp", "-ipv4", ipAction),
  stepOf("hcloud:index/primaryIp:PrimaryIp", "-ipv6", ipAction),
];

describe("fleet diff of a rebuild", () => {
  it("says the addresses are kept when the node's Primary IPs stay", () => {
    expect(consequences("rebuild", before, after, rebuildWith("unchanged"))).toContain(
      `addresses kept: the new server gets the node's own IPv4 and IPv6 (${NODE}-ipv4, ${NODE}-ipv6); its DNS records and reverse DNS stay`);
  });

  it("warns that the addresses change when the Primary IPs are replaced with the server", () => {
    expect(consequences("rebuild", before, after, rebuildWith("replace")).find((w) => w.startsWith("addresses")))
      .toBe(`addresses change: the new server gets new IPv4 and IPv6 addresses; ${before.fqdn} follows after the DNS TTL, but customers' domains that point at the old addresses stop reaching the node`);
  });

  it("warns the same for a server without Primary IPs", () => {
    expect(consequences("rebuild", before, after, [stepOf("hcloud:index/server:Server", "-server", "replace")]).some((w) => w.startsWith("addresses change:"))).toBe(true);
  });
});
