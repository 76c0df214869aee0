import { beforeAll, describe, expect, it } from "vitest";
import { PhaseTracker, type PhaseProgress } from "../../src/automation/phases";
import { recordStack, type StackResource } from "./stand-in/record-urns";
import { createNodeEvents, Events, marker, nodeOf } from "./stand-in/scenario";

const HOST = "prd-sha-het-de-fsn1-001";
const T0 = 1_790_000_000;
let resources: StackResource[];

beforeAll(async () => {
  resources = await recordStack("prd");
});

function track(events: Events, succeeded = true): { final: PhaseProgress[]; changes: PhaseProgress[] } {
  const changes: PhaseProgress[] = [];
  const tracker = new PhaseTracker((p) => changes.push(p));
  for (const e of events.list) tracker.handle(e);
  tracker.finish(succeeded, events.list.at(-1)!.timestamp);
  return { final: tracker.progress(), changes };
}

describe("per-node phases from engine events", () => {
  it("turns a first deployment into the seven phases in order, each with start and duration from event times", () => {
    const { final } = track(createNodeEvents(new Events(), resources, HOST, T0));
    expect(final.map((p) => [p.phase, p.state, p.durationSeconds])).toEqual([
      ["serverCreated", "succeeded", 34],
      ["dnsConfigured", "succeeded", 2],
      ["baseConfigured", "succeeded", 58],
      ["panelInstalled", "succeeded", 525],
      ["backupsConfigured", "succeeded", 8],
      ["validated", "succeeded", 23],
      ["registered", "succeeded", 3],
    ]);
    expect(final[0]).toMatchObject({ hostname: HOST, label: "Server created", startedAt: new Date((T0 + 1) * 1000).toISOString() });
  });

  it("reports each phase once when it starts and once when it ends, even when several steps make it up", () => {
    const { changes } = track(createNodeEvents(new Events(), resources, HOST, T0));
    const dns = changes.filter((c) => c.phase === "dnsConfigured").map((c) => c.state);
    const base = changes.filter((c) => c.phase === "baseConfigured").map((c) => c.state);
    expect(dns).toEqual(["running", "succeeded"]);
    expect(base).toEqual(["running", "succeeded"]);
  });

  it("fails the phase of the role the playbook failed in, and starts no later phase", () => {
    const { final } = track(createNodeEvents(new Events(), resources, HOST, T0, { failRole: "virtualmin" }), false);
    expect(final.map((p) => [p.phase, p.state])).toEqual([
      ["serverCreated", "succeeded"], ["dnsConfigured", "succeeded"], ["baseConfigured", "succeeded"], ["panelInstalled", "failed"],
    ]);
    expect(final[3]!.durationSeconds).toBe(525);
  });

  it("fails the first provisioning phase, with the engine's message, when the step fails before any role ran", () => {
    const r = nodeOf(resources, HOST);
    const ev = new Events()
      .step("pre", r("provision"), "create", T0)
      .diagnostic(r("provision").urn, "error", "exit status 69: no SSH answer within 300s", T0 + 300)
      .step("failed", r("provision"), "create", T0 + 300);
    const { final } = track(ev, false);
    expect(final).toEqual([expect.objectContaining({
      phase: "baseConfigured", state: "failed", durationSeconds: 300, message: "exit status 69: no SSH answer within 300s",
    })]);
  });

  it("keeps nodes apart: markers of one node's step never move another node's phases", () => {
    const other = "prd-sha-het-fi-hel1-001";
    const ev = createNodeEvents(new Events(), resources, HOST, T0);
    ev.output(nodeOf(resources, other)("provision").urn, marker("virtualmin", "started"), T0 + 900);
    const { final } = track(ev);
    expect(final.filter((p) => p.hostname === other).map((p) => p.phase)).toEqual(["panelInstalled"]);
    expect(final.filter((p) => p.hostname === HOST)).toHaveLength(7);
  });

  it("shows no phase for resources the update leaves as they are", () => {
    const r = nodeOf(resources, HOST);
    const ev = new Events().step("pre", r("server"), "same", T0).step("outputs", r("server"), "same", T0);
    expect(track(ev).final).toEqual([]);
  });

  it("ignores output lines that only look like markers", () => {
    const r = nodeOf(resources, HOST);
    const ev = new Events().output(r("provision").urn, "node-fleet-phase {not json", T0)
      .output(r("provision").urn, 'node-fleet-phase {"role":"virtualmin","state":"paused"}', T0);
    expect(track(ev).final).toEqual([]);
  });
});
