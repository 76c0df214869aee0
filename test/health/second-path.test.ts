import { describe, expect, it } from "vitest";
import { secondPathOf } from "../../src/health/monitor";
import type { ServerIdentity } from "../../src/health/probes/ssh-host-key";
import { DOWN, recordingActions, Simulation, target } from "./scenario";

const A = "prd-sha-het-de-fsn1-001";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2xQmrvD6ADHnjDjnq0Rp0gMmVYcUHjaAm6Kc1kzJbA";
const OTHER = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbK0S2S1e8uV4uA4nTn0mB0eOQeqGEL5ZjvLbT0v0nH";
const ALIVE = "the node answers on its second address 2001:db8::1 with the pinned host key (verified key exchange)";
const withSecond = target(A, { autoRebuild: true, resolved: { address: "127.12.3.1", hostKey: KEY, secondAddress: "2001:db8::1" } });

/** A probe of the second address that presents `key`, or does not answer. */
const presents = (key: string | undefined, asked: string[] = []) => async (address: string): Promise<ServerIdentity> => {
  asked.push(address);
  if (!key) throw new Error("connect ETIMEDOUT");
  return { banner: "SSH-2.0-OpenSSH_9.2p1", hostKey: key, fingerprint: "SHA256:x" };
};

describe("the second probe path", () => {
  it("spares a node whose second address completes a key exchange with the pinned key", async () => {
    expect(await secondPathOf([withSecond], 1000, presents(KEY))(A)).toBe(ALIVE);
  });

  it("does not spare it for another key, or for no answer", async () => {
    expect(await secondPathOf([withSecond], 1000, presents(OTHER))(A)).toBeUndefined();
    expect(await secondPathOf([withSecond], 1000, presents(undefined))(A)).toBeUndefined();
  });

  it("asks nothing of a node without a second address", async () => {
    const asked: string[] = [];
    expect(await secondPathOf([target(A)], 1000, presents(KEY, asked))(A)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});

describe("the ladder with a second probe path", () => {
  // The first path (IPv4 from the checker) is dead for a week; the second shows the node alive.
  it("never power-cycles or rebuilds a node alive on its second path, and hands it to a person", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([withSecond], { ...actions, secondPath: secondPathOf([withSecond], 1000, presents(KEY)) });
    await sim.rounds(7 * 24 * 60 / 30, { [A]: DOWN }, 30);
    expect(calls).toEqual([`reprovision ${A}`]);
    const attempts = sim.record(A).incident!.attempts.map((a) => [a.step, a.ok, a.detail]);
    expect(attempts.slice(1)).toContainEqual(["power_cycle", false,
      `not power-cycle: ${ALIVE}; a person must look at the first path (routing, the checker's network)`]);
    expect(sim.record(A).incident!.status).toBe("failed");
  });

  it("power-cycles as before when the second path is dead too", async () => {
    const { calls, actions } = recordingActions();
    const sim = new Simulation([withSecond], { ...actions, secondPath: secondPathOf([withSecond], 1000, presents(undefined)) });
    await sim.rounds(40, { [A]: DOWN }, 30);
    expect(calls.slice(0, 2)).toEqual([`reprovision ${A}`, `powerCycle ${A}`]);
  });
});
