import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveTargets, type AddressSource } from "../../src/health/targets";
import { InvalidInputError } from "../../src/source/issues";
import { scratchProject } from "../cli/run";
import { bundledCatalog } from "../helpers";

const FLEET = `defaults: { size: cpx22 }
nodes:
  prd-sha-het-de-fsn1-001: { image: debian-12, autoRebuild: true }
  prd-sha-het-de-fsn1-002: { image: debian-12, status: maintenance, rebuild: 2 }
  prd-sha-het-de-fsn1-003: { image: debian-12 }
  prd-sha-het-de-fsn1-004: { image: debian-12 }
  stg-sha-het-de-fsn1-001: { image: debian-12 }
`;
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE3+fake+key+for+tests+only+000000000000000";
let project: ReturnType<typeof scratchProject>;
beforeAll(() => {
  project = scratchProject({ "Pulumi.prd.yaml": join(__dirname, "../../Pulumi.prd.yaml") });
  writeFileSync(join(project.dir, "fleet.yaml"), FLEET);
  writeFileSync(join(project.dir, "targets.json"), JSON.stringify({ "prd-sha-het-de-fsn1-001": { address: "127.12.7.1", hostKey: KEY } }));
});
afterAll(() => project.cleanup());

const source: AddressSource = {
  name: "stack outputs",
  addresses: async (hostnames) => new Map(hostnames.filter((h) => h.endsWith("-002")).map((h) => [h, { address: "127.12.7.2", created: "2026-11-01T00:00:00Z" }])),
};
const dns = async (fqdn: string) => {
  if (fqdn.startsWith("prd-sha-het-de-fsn1-003.")) return "127.12.7.3";
  throw new Error("getaddrinfo ENOTFOUND");
};

describe("resolving the stack's nodes", () => {
  it("takes the stack's environment only, with what the fleet says about each node", async () => {
    const targets = await resolveTargets({ stack: "prd", projectDir: project.dir, catalog: bundledCatalog(), lookupHost: dns });
    expect(targets.map((t) => [t.hostname, t.fqdn, t.generation, t.maintenance, t.autoRebuild, t.protect])).toEqual([
      ["prd-sha-het-de-fsn1-001", "prd-sha-het-de-fsn1-001.infra.example.com", 0, false, true, true],
      ["prd-sha-het-de-fsn1-002", "prd-sha-het-de-fsn1-002.infra.example.com", 2, true, false, true],
      ["prd-sha-het-de-fsn1-003", "prd-sha-het-de-fsn1-003.infra.example.com", 0, false, false, true],
      ["prd-sha-het-de-fsn1-004", "prd-sha-het-de-fsn1-004.infra.example.com", 0, false, false, true],
    ]);
  });

  it("prefers the targets file, then the address source, then DNS, and says why a node has no address", async () => {
    const targets = await resolveTargets({ stack: "prd", projectDir: project.dir, catalog: bundledCatalog(), targetsFile: join(project.dir, "targets.json"),
      source, lookupHost: dns });
    expect(targets.map((t) => t.resolved)).toEqual([
      { address: "127.12.7.1", hostKey: KEY },
      { address: "127.12.7.2", created: "2026-11-01T00:00:00Z" },
      { address: "127.12.7.3" },
      { problem: `no address: not in ${join(project.dir, "targets.json")}; not in stack outputs; DNS has no address for prd-sha-het-de-fsn1-004.infra.example.com (getaddrinfo ENOTFOUND)` },
    ]);
  });

  it("says the stack outputs are not connected when there is no address source", async () => {
    const targets = await resolveTargets({ stack: "prd", projectDir: project.dir, catalog: bundledCatalog(), lookupHost: dns });
    expect(targets[3]!.resolved).toEqual({ problem: "no address: no --targets file; stack outputs not connected (needs the Pulumi CLI and the Automation API library); " +
      "DNS has no address for prd-sha-het-de-fsn1-004.infra.example.com (getaddrinfo ENOTFOUND)" });
  });

  it("falls back to DNS when the address source fails, warning once and giving the source's reason", async () => {
    const warnings: string[] = [];
    const broken: AddressSource = { name: "stack prd's outputs", addresses: () => Promise.reject(new Error("no passphrase\nsecond line")) };
    const targets = await resolveTargets({ stack: "prd", projectDir: project.dir, catalog: bundledCatalog(), source: broken, lookupHost: dns,
      warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(["stack prd's outputs unreadable (no passphrase); using DNS"]);
    expect(targets[2]!.resolved).toEqual({ address: "127.12.7.3" });
    expect(targets[3]!.resolved).toEqual({ problem: "no address: no --targets file; stack prd's outputs unreadable (no passphrase); " +
      "DNS has no address for prd-sha-het-de-fsn1-004.infra.example.com (getaddrinfo ENOTFOUND)" });
  });

  it("names why there is no address source when it is known", async () => {
    const targets = await resolveTargets({ stack: "prd", projectDir: project.dir, catalog: bundledCatalog(), lookupHost: dns,
      sourceUnavailable: "no stack outputs: the Pulumi CLI was not found on PATH" });
    expect(targets[3]!.resolved).toMatchObject({ problem: expect.stringContaining("; no stack outputs: the Pulumi CLI was not found on PATH; DNS has no address") });
  });

  it("gives up on a DNS lookup that does not answer in time", async () => {
    const targets = await resolveTargets({ stack: "prd", projectDir: project.dir, catalog: bundledCatalog(), dnsTimeoutMs: 50,
      lookupHost: () => new Promise(() => undefined) });
    expect(targets[0]!.resolved).toMatchObject({ problem: expect.stringContaining("(no answer within 50 ms)") });
  });

  it("stops on a fleet file with errors, with their positions", async () => {
    const bad = join(project.dir, "bad.yaml");
    writeFileSync(bad, "nodes:\n  prd-sha-het-de-fsn1-001: { size: cpx22, image: debian-12, autoRebuild: yes-please }\n");
    const err = await resolveTargets({ stack: "prd", projectDir: project.dir, fleetFile: bad, catalog: bundledCatalog(), lookupHost: dns }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues[0]).toMatchObject({ line: 2, message: expect.stringContaining("autoRebuild") });
  });
});
