import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { firstDeployRequests, HETZNER_REQUESTS_PER_HOUR, pollsFor, requestsPerNode, type PollSettings } from "../../src/plan/hetzner-api-budget";

const project = parse(readFileSync(join(__dirname, "../../Pulumi.yaml"), "utf8")) as { config: Record<string, string> };

/** The project's provider polling, as Pulumi.yaml sets it for every stack. */
function projectPolling(): PollSettings {
  const fn = project.config["hcloud:pollFunction"];
  const interval = /^(\d+)s$/.exec(project.config["hcloud:pollInterval"] ?? "");
  if ((fn !== "exponential" && fn !== "constant") || !interval) throw new Error("Pulumi.yaml sets no hcloud polling");
  return { fn, intervalSeconds: Number(interval[1]) };
}

describe("Hetzner API budget of a first deploy", () => {
  it("keeps 100 protected nodes, their Primary IPs included, within the hourly limit with the project's polling", () => {
    expect(firstDeployRequests(100, projectPolling())).toBeLessThanOrEqual(HETZNER_REQUESTS_PER_HOUR);
  });

  it("keeps 75 protected nodes within three quarters of it, leaving room for health checks", () => {
    expect(firstDeployRequests(75, projectPolling())).toBeLessThanOrEqual(HETZNER_REQUESTS_PER_HOUR * 0.75);
  });

  it("counts 34 requests for a protected node, 8 of them for its two Primary IPs (create, protection, its poll, read)", () => {
    expect(requestsPerNode(projectPolling(), true)).toBe(34);
  });

  it("would exceed it polling every 500ms at a constant rate", () => {
    expect(firstDeployRequests(100, { fn: "constant", intervalSeconds: 0.5 })).toBeGreaterThan(HETZNER_REQUESTS_PER_HOUR);
  });

  it("costs fewer requests than the provider's own default (exponential from 500ms)", () => {
    expect(firstDeployRequests(100, projectPolling())).toBeLessThan(firstDeployRequests(100, { fn: "exponential", intervalSeconds: 0.5 }));
  });

  it("counts the polls hcloud-go makes: doubling from the interval, capped at 60s, at least one", () => {
    expect(pollsFor(60, { fn: "exponential", intervalSeconds: 2 })).toBe(5);
    expect(pollsFor(0, { fn: "exponential", intervalSeconds: 2 })).toBe(1);
    expect(pollsFor(200, { fn: "exponential", intervalSeconds: 2 })).toBe(8);
  });
});
