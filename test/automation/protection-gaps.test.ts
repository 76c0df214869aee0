import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { protectionGaps, type LiveProtection } from "../../src/automation/hetzner-protection";
import { stateResources } from "../../src/automation/state";
import { EXIT } from "../../src/cli/format";
import { fleet } from "../cli/run";
import { baseScenario, harness, ORIGINAL_PATH, type Harness } from "./harness";
import { fakeHetznerApi, type FakeHetzner } from "./hetzner-api";
import { recordStack, type StackResource } from "./stand-in/record-urns";
import { deploymentOf, idOf, nodeOf, STAND_IN_BIN, standIn } from "./stand-in/scenario";

// A killed `fleet rebuild` (or a hand-typed `hcloud server disable-protection`) leaves a
// protected node unprotected at Hetzner, and nothing Pulumi compares sees it: `fleet drift`
// reads Hetzner itself and names it. The fake API pages its lists as Hetzner does.
const HOST = "prd-sha-het-de-fsn1-001";
let resources: StackResource[];
let h: Harness | undefined;
let api: FakeHetzner | undefined;
let cleanup: (() => void) | undefined;

beforeAll(async () => {
  resources = await recordStack("prd");
});
afterEach(() => {
  h?.cleanup();
  api?.close();
  cleanup?.();
  h = undefined;
  api = undefined;
  cleanup = undefined;
  process.env.PATH = ORIGINAL_PATH;
  for (const name of ["STANDIN_DIR", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "NODE_FLEET_AUDIT_FILE", "HCLOUD_TOKEN", "HCLOUD_ENDPOINT"]) delete process.env[name];
});

const ids = (role: "server" | "ipv4" | "ipv6") => resources.filter((r) => r.name.endsWith(`-${role}`) && r.custom)
  .map((r) => idOf(resources, r.name.slice(0, -role.length - 1), role));

/** Hetzner as the last `up` left it: every server and Primary IP of the stack protected. */
async function protectedAtHetzner(perPage?: number): Promise<FakeHetzner> {
  const primaryIps = Object.fromEntries([...ids("ipv4"), ...ids("ipv6")].map((id) => [id, true]));
  api = await fakeHetznerApi(ids("server"), ids("server"), { primaryIps, ...(perPage ? { perPage } : {}) });
  return api;
}

function live(over: { server?: Record<string, boolean>; ip?: Record<string, boolean> }): LiveProtection {
  return {
    servers: new Map(ids("server").map((id) => [id, { delete: over.server?.[id] ?? true, rebuild: over.server?.[id] ?? true }])),
    primaryIps: new Map([...ids("ipv4"), ...ids("ipv6")].map((id) => [id, { delete: over.ip?.[id] ?? true }])),
  };
}

describe("protectionGaps", () => {
  it("names a protected node's server and address whose Hetzner protection is off, with the command that turns it on", () => {
    const server = idOf(resources, HOST, "server");
    const ipv4 = idOf(resources, HOST, "ipv4");
    expect(protectionGaps(stateResources(deploymentOf(resources)), live({ server: { [server]: false }, ip: { [ipv4]: false } }))).toEqual([
      { urn: nodeOf(resources, HOST)("ipv4").urn, hostname: HOST, resource: "primary IP", id: ipv4, off: ["delete"],
        fix: `hcloud primary-ip enable-protection ${ipv4} delete` },
      { urn: nodeOf(resources, HOST)("server").urn, hostname: HOST, resource: "server", id: server, off: ["delete", "rebuild"],
        fix: `hcloud server enable-protection ${server} delete rebuild` },
    ].sort((a, b) => resources.findIndex((r) => r.urn === a.urn) - resources.findIndex((r) => r.urn === b.urn)));
  });

  it("finds nothing for a node the program does not protect", () => {
    const server = idOf(resources, HOST, "server");
    expect(protectionGaps(stateResources(deploymentOf(resources, [HOST])), live({ server: { [server]: false } }))).toEqual([]);
  });

  it("leaves a server Hetzner no longer has to the refresh (a deletion, not a protection gap)", () => {
    const gone = { ...live({}), servers: new Map() };
    expect(protectionGaps(stateResources(deploymentOf(resources)), gone).filter((g) => g.resource === "server")).toEqual([]);
  });
});

describe("fleet drift reads Hetzner's protection", () => {
  const scenario = () => baseScenario(resources, {
    operations: { "refresh-preview": { events: [] } }, config: { "hcloud:token": { value: "hc-token", secret: true } },
  });

  it("reports the node a killed rebuild left unprotected, from two list requests", async () => {
    const hetzner = await protectedAtHetzner();
    hetzner.unprotect(idOf(resources, HOST, "server"));
    h = harness(scenario(), { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: hetzner.url } });
    const report = await h.fleet.drift();
    expect(report.protectionOff).toEqual([expect.objectContaining({ hostname: HOST, resource: "server", off: ["delete", "rebuild"] })]);
    expect(report.driftedNodes).toEqual([HOST]);
    expect(hetzner.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual([
      "GET /v1/servers?page=1&per_page=50 Bearer hc-token", "GET /v1/primary_ips?page=1&per_page=50 Bearer hc-token"]);
  });

  it("follows Hetzner's pages to the last one", async () => {
    const hetzner = await protectedAtHetzner(2);
    const lastIp = ids("ipv6").at(-1)!;
    hetzner.unprotectIp(lastIp);
    h = harness(scenario(), { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: hetzner.url } });
    expect((await h.fleet.drift()).protectionOff.map((g) => g.id)).toEqual([lastIp]);
    const pages = Math.ceil((ids("ipv4").length + ids("ipv6").length) / 2);
    expect(hetzner.requests.filter((r) => r.path.startsWith("/v1/primary_ips")).map((r) => r.path)).toEqual(
      Array.from({ length: pages }, (_, i) => `/v1/primary_ips?page=${i + 1}&per_page=50`));
  });

  it("says why it did not check when there is no Hetzner token, and asks nothing", async () => {
    const hetzner = await protectedAtHetzner();
    h = harness(baseScenario(resources, { operations: { "refresh-preview": { events: [] } } }),
      { env: { PULUMI_BACKEND_URL: "file:///tmp/stand-in-state", PULUMI_CONFIG_PASSPHRASE: "x", HCLOUD_ENDPOINT: hetzner.url } });
    const report = await h.fleet.drift();
    expect(report.protectionUnchecked).toBe("no Hetzner token: set hcloud:token in stack prd or HCLOUD_TOKEN");
    expect(hetzner.requests).toEqual([]);
  });

  it("prints the node, what is off and the command that turns it on again", async () => {
    const hetzner = await protectedAtHetzner();
    const server = idOf(resources, HOST, "server");
    hetzner.unprotect(server);
    const s = standIn(baseScenario(resources, { operations: { "refresh-preview": { events: [] } } }));
    cleanup = s.cleanup;
    Object.assign(process.env, { PATH: `${STAND_IN_BIN}:${ORIGINAL_PATH}`, STANDIN_DIR: s.dir, PULUMI_BACKEND_URL: `file://${s.dir}/state`,
      PULUMI_CONFIG_PASSPHRASE: "x", NODE_FLEET_AUDIT_FILE: join(s.dir, "audit.jsonl"), HCLOUD_TOKEN: "hc-token", HCLOUD_ENDPOINT: hetzner.url });
    const run = await fleet("drift", "--stack", "prd");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split("\n")[0]).toBe(`${HOST}: the program protects server ${server}, but its Hetzner delete and rebuild protection is off; ` +
      `turn it on again: hcloud server enable-protection ${server} delete rebuild`);
  });
});
