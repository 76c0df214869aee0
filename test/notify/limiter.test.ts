import { describe, expect, it } from "vitest";
import type { HealthEvent } from "../../src/events/health-event";
import type { Channel } from "../../src/notify/channels";
import { admit, DEFAULT_RATE_LIMITS } from "../../src/notify/limiter";
import { deliver, notifyDeployment, render } from "../../src/notify/notifier";

const MINUTE = 60_000;
const T0 = Date.parse("2026-11-22T06:00:00Z");

function recorder(): Channel & { texts: string[] } {
  const texts: string[] = [];
  return { describe: "recorder", texts, send: async (_e, text) => { texts.push(text); } };
}
const ev = (type: HealthEvent["type"], hostname: string, at: number): HealthEvent => ({ type, at, hostname, message: "m" });

describe("notification limits", () => {
  it("sends one message per node and event type per 30 minutes, so a flapping node does not flood", async () => {
    const channel = recorder();
    let memory = {};
    for (let minute = 0; minute < 60; minute += 2) {
      const type = minute % 4 === 0 ? "incident.detected" : "incident.resolved";
      memory = (await deliver([ev(type, "prd-sha-het-de-fsn1-001", T0 + minute * MINUTE)], [channel], memory, T0 + minute * MINUTE, DEFAULT_RATE_LIMITS)).memory;
    }
    expect(channel.texts).toHaveLength(4);
  });

  it("de-duplicates the same event about the same node within one round", () => {
    const { allowed } = admit(["a|incident.detected", "a|incident.detected", "b|incident.detected"], {}, T0, DEFAULT_RATE_LIMITS);
    expect(allowed).toEqual([true, false, true]);
  });

  it("caps all messages at 10 an hour", () => {
    const keys = Array.from({ length: 15 }, (_, i) => `node-${i}|incident.detected`);
    const first = admit(keys, {}, T0, DEFAULT_RATE_LIMITS);
    expect(first.allowed.filter(Boolean)).toHaveLength(10);
    expect(admit(["late|incident.failed"], first.memory, T0 + 59 * MINUTE, DEFAULT_RATE_LIMITS).allowed).toEqual([false]);
    expect(admit(["late|incident.failed"], first.memory, T0 + 61 * MINUTE, DEFAULT_RATE_LIMITS).allowed).toEqual([true]);
  });

  it("sends the same message about the same node again once its 30 minutes have passed, to the minute", () => {
    const first = admit(["a|incident.detected"], {}, T0, DEFAULT_RATE_LIMITS);
    expect(admit(["a|incident.detected"], first.memory, T0 + 30 * MINUTE - 1, DEFAULT_RATE_LIMITS).allowed).toEqual([false]);
    expect(admit(["a|incident.detected"], first.memory, T0 + 30 * MINUTE, DEFAULT_RATE_LIMITS).allowed).toEqual([true]);
  });

  it("remembers each send under its key and under the hourly count, and nothing else", () => {
    expect(admit(["a|incident.detected"], {}, T0, DEFAULT_RATE_LIMITS).memory).toEqual({ "a|incident.detected": [T0], "*": [T0] });
  });

  it("forgets a send exactly one hour old", () => {
    expect(admit([], { "a|incident.detected": [T0], "*": [T0] }, T0 + 60 * MINUTE, DEFAULT_RATE_LIMITS).memory).toEqual({});
  });

  it("keeps a key for its whole window when that is longer than an hour", () => {
    const twoHours = { perKeyWindowMs: 120 * MINUTE, perHour: 10 };
    const first = admit(["a|incident.detected"], {}, T0, twoHours);
    expect(admit(["a|incident.detected"], first.memory, T0 + 90 * MINUTE, twoHours).allowed).toEqual([false]);
  });

  it("counts toward the hourly cap only the sends of the last hour, however long keys are kept", () => {
    const twoHours = { perKeyWindowMs: 120 * MINUTE, perHour: 10 };
    const first = admit(Array.from({ length: 10 }, (_, i) => `n${i}|incident.detected`), {}, T0, twoHours);
    expect(admit(["late|incident.failed"], first.memory, T0 + 60 * MINUTE, twoHours).allowed).toEqual([true]);
  });

  it("forgets what it no longer needs, so the memory stays small", () => {
    const { memory } = admit(["a|incident.detected"], {}, T0, DEFAULT_RATE_LIMITS);
    expect(admit([], memory, T0 + 2 * 60 * MINUTE, DEFAULT_RATE_LIMITS).memory).toEqual({});
  });
});

describe("deployment notifications", () => {
  it("tells of a failed deployment with its correlation id in the event", async () => {
    const sent: HealthEvent[] = [];
    const channel: Channel = { describe: "recorder", send: async (e) => { sent.push(e); } };
    const result = await notifyDeployment({ hostname: "prd-sha-het-de-fsn1-001", ok: false, summary: "provisioning failed: ansible exited 2",
      correlationId: "c0ffee00-0000-5000-8000-000000000000" }, [channel], {}, T0, DEFAULT_RATE_LIMITS);
    expect(result.sent).toBe(1);
    expect(sent).toEqual([{ type: "deployment.failed", at: T0, hostname: "prd-sha-het-de-fsn1-001", message: "provisioning failed: ansible exited 2",
      correlationId: "c0ffee00-0000-5000-8000-000000000000" }]);
    expect(render(sent[0]!)).toBe("❌ prd-sha-het-de-fsn1-001: deployment failed: provisioning failed: ansible exited 2");
  });
});

describe("a fleet-wide outage", () => {
  it("still tells that recovery is held when more nodes fail than the hourly cap allows", async () => {
    const channel = recorder();
    const events = [...Array.from({ length: 12 }, (_, i) => ev("incident.detected", `node-${i}`, T0)), ev("fleet.held", "fleet", T0)];
    await deliver(events, [channel], {}, T0, DEFAULT_RATE_LIMITS);
    expect(channel.texts).toHaveLength(10);
    expect(channel.texts[0]).toBe("🚨 fleet: fleet held: m");
  });
});
