import { describe, expect, it } from "vitest";
import { runStack } from "./harness";

/** The stack program names each successor's predecessor, so the deployment that creates
 *  a successor knows whose backup to restore onto it (src/restore/successors.ts). */
describe("the successors output", () => {
  it("maps each node that `replaces:` another to it, and names no other node", async () => {
    const { outputs } = await runStack("dev", `defaults: { size: cx23 }
nodes:
  dev-sha-het-de-fsn1-001: { image: debian-12 }
  dev-sha-het-de-fsn1-002: { image: debian-12, replaces: dev-sha-het-de-fsn1-001 }
  dev-sha-het-de-fsn1-003: { image: debian-12 }
`);
    expect(outputs.successors).toEqual({ "dev-sha-het-de-fsn1-002": "dev-sha-het-de-fsn1-001" });
  });
});
