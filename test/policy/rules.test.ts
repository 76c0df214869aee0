import { beforeAll, describe, expect, it } from "vitest";
import { collectPlan, type PlannedResource } from "../../src/offline/plan-stack";
import { checkPolicies, type PolicyResource } from "../../src/review/policy";
import { adminPortsClosed } from "../../src/review/policy/admin-ports-closed";
import { catalogServer } from "../../src/review/policy/catalog-server";
import { hostnameConvention } from "../../src/review/policy/hostname-convention";
import { prdServerPrimaryIps } from "../../src/review/policy/prd-primary-ips";
import { prdServersProtected } from "../../src/review/policy/prd-protected";
import { reservedLabels } from "../../src/review/policy/reserved-labels";
import { stepCommandsPlain } from "../../src/review/policy/step-commands-plain";
import { bundledCatalog } from "../helpers";
import { join } from "node:path";

const context = () => ({ catalog: bundledCatalog() });
let resources: PlannedResource[];
const find = (suffix: string) => resources.find((r) => r.name.endsWith(suffix))!;
/** A resource of the real plan with some inputs or options changed. */
const broken = (suffix: string, inputs: Record<string, unknown>, protect?: boolean): PolicyResource => {
  const r = find(suffix);
  return { ...r, inputs: { ...r.inputs, ...inputs }, protect: protect ?? r.protect };
};

beforeAll(async () => {
  const plan = await collectPlan({ stack: "prd", projectDir: join(__dirname, "../..") });
  resources = plan.nodes.filter((n) => n.hostname === "prd-sha-het-de-fsn1-001").flatMap((n) => n.resources);
});

describe("the policies over the repository's own prd plan", () => {
  it("find nothing to object to", () => {
    expect(checkPolicies(resources, context())).toEqual([]);
  });
});

describe("hostname-convention", () => {
  it("rejects a server whose name breaks the convention", () => {
    expect(hostnameConvention.check(broken("-server", { name: "prd-web-1" }), context())[0]).toMatch(/^name "prd-web-1" does not follow/);
  });

  it("rejects a firewall whose country is not its region's", () => {
    expect(hostnameConvention.check(broken("-fw", { name: "prd-sha-het-fi-fsn1-001" }), context()))
      .toEqual(['name "prd-sha-het-fi-fsn1-001": country "fi" is not the country of fsn1 ("de")']);
  });
});

describe("prd-servers-protected", () => {
  it("rejects a prd server without rebuild protection", () => {
    expect(prdServersProtected.check(broken("-server", { rebuildProtection: false }), context()))
      .toEqual(["prd server prd-sha-het-de-fsn1-001-server lacks rebuildProtection"]);
  });

  it("rejects a prd server without Pulumi protect or delete protection", () => {
    expect(prdServersProtected.check(broken("-server", { deleteProtection: false }, false), context()))
      .toEqual(["prd server prd-sha-het-de-fsn1-001-server lacks Pulumi protect, deleteProtection"]);
  });

  it("leaves an unprotected stg server alone", () => {
    const stg = broken("-server", { labels: { ...(find("-server").inputs.labels as object), env: "stg" }, deleteProtection: false }, false);
    expect(prdServersProtected.check(stg, context())).toEqual([]);
  });
});

describe("prd-server-primary-ips", () => {
  it("rejects a prd server created with Hetzner's automatic addresses", () => {
    expect(prdServerPrimaryIps.check(broken("-server", { publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }] }), context()))
      .toEqual(["prd server prd-sha-het-de-fsn1-001-server has no Primary IP of its own for ipv4, ipv6 in publicNets; a rebuild would change its addresses"]);
  });

  it("rejects a prd server with an IPv4 of its own but not an IPv6", () => {
    const nets = find("-server").inputs.publicNets as Record<string, unknown>[];
    expect(prdServerPrimaryIps.check(broken("-server", { publicNets: [{ ...nets[0], ipv6: undefined }] }), context()))
      .toEqual(["prd server prd-sha-het-de-fsn1-001-server has no Primary IP of its own for ipv6 in publicNets; a rebuild would change its addresses"]);
  });

  it("accepts the repository's prd server, whose addresses the plan only knows after deploying", () => {
    expect(find("-server").inputs.publicNets).toEqual([expect.objectContaining({ ipv4: expect.anything(), ipv6: expect.anything() })]);
    expect(prdServerPrimaryIps.check(find("-server"), context())).toEqual([]);
  });

  it("leaves a stg server without them alone", () => {
    const stg = broken("-server", { labels: { ...(find("-server").inputs.labels as object), env: "stg" }, publicNets: [{ ipv4Enabled: true }] });
    expect(prdServerPrimaryIps.check(stg, context())).toEqual([]);
  });
});

describe("admin-ports-not-world-open", () => {
  const world = (port: string) => [{ direction: "in", protocol: "tcp", port, sourceIps: ["0.0.0.0/0", "::/0"], description: "x" }];

  const ssh = (sourceIps: string[]) => [{ direction: "in", protocol: "tcp", port: "22", sourceIps, description: "x" }];

  it("rejects SSH open to the world in prd", () => {
    expect(adminPortsClosed.check(broken("-fw", { rules: world("22") }), context())).toEqual([
      'prd firewall prd-sha-het-de-fsn1-001-fw: "0.0.0.0/0" opens port 22 to the world; prd accepts admin sources only',
      'prd firewall prd-sha-het-de-fsn1-001-fw: "::/0" opens port 22 to the world; prd accepts admin sources only']);
  });

  it("rejects 0::/0, which is ::/0 written differently", () => {
    expect(adminPortsClosed.check(broken("-fw", { rules: ssh(["0::/0"]) }), context())).toEqual([
      'prd firewall prd-sha-het-de-fsn1-001-fw: "0::/0" opens port 22 to the world; prd accepts admin sources only']);
  });

  it("rejects the world split into two halves", () => {
    expect(adminPortsClosed.check(broken("-fw", { rules: ssh(["0.0.0.0/1", "128.0.0.0/1"]) }), context())).toEqual([
      'prd firewall prd-sha-het-de-fsn1-001-fw: "0.0.0.0/1" is wider than /16: prd accepts for port 22 only IPv4 blocks of /16 or narrower and IPv6 blocks of /32 or narrower',
      'prd firewall prd-sha-het-de-fsn1-001-fw: "128.0.0.0/1" is wider than /16: prd accepts for port 22 only IPv4 blocks of /16 or narrower and IPv6 blocks of /32 or narrower']);
  });

  it.each(["::ffff:0:0/96", "::/96", "64:ff9b::/96", "2002::/16"])("rejects %s, every IPv4 address embedded in IPv6", (source) => {
    expect(adminPortsClosed.check(broken("-fw", { rules: ssh(["10.20.0.0/16", source]) }), context())).toEqual([
      `prd firewall prd-sha-het-de-fsn1-001-fw: "${source}" opens port 22 to the world (it holds 0.0.0.0/0 as IPv4 addresses embedded in IPv6); prd accepts admin sources only`]);
  });

  it("accepts a /16 and a /32 of IPv6 in prd", () => {
    expect(adminPortsClosed.check(broken("-fw", { rules: ssh(["10.20.0.0/16", "2a01:4f8::/32"]) }), context())).toEqual([]);
  });

  it("rejects a port range that includes Webmin's 10000", () => {
    expect(adminPortsClosed.check(broken("-fw", { rules: world("9000-11000") }), context())).toEqual([
      'prd firewall prd-sha-het-de-fsn1-001-fw: "0.0.0.0/0" opens port 10000 to the world; prd accepts admin sources only',
      'prd firewall prd-sha-het-de-fsn1-001-fw: "::/0" opens port 10000 to the world; prd accepts admin sources only']);
  });

  it("allows the world on 443", () => {
    expect(adminPortsClosed.check(broken("-fw", { rules: world("443") }), context())).toEqual([]);
  });
});

describe("reserved-labels", () => {
  it("rejects a server missing node-fleet's labels", () => {
    expect(reservedLabels.check(broken("-server", { labels: { env: "prd" } }), context()))
      .toEqual(["server prd-sha-het-de-fsn1-001-server lacks the labels type, provider, region, node, panel, managed-by"]);
  });
});

describe("catalog-server-type-and-location", () => {
  it("rejects a server type the catalog does not list", () => {
    expect(catalogServer.check(broken("-server", { serverType: "cx99" }), context()))
      .toEqual(['server prd-sha-het-de-fsn1-001-server: server type "cx99" is not a catalog size of het']);
  });

  it("rejects a type the catalog does not sell in the location", () => {
    expect(catalogServer.check(broken("-server", { serverType: "cx23", location: "ash" }), context())[0]).toMatch(/cx23 is not sold in ash1/);
  });
});

describe("step-commands-carry-no-values", () => {
  it("rejects a command with an inline value", () => {
    expect(stepCommandsPlain.check(broken("-provision", { create: "ansible/bin/provision --host 192.0.2.10" }), context()))
      .toEqual(['step prd-sha-het-de-fsn1-001-provision: create command "ansible/bin/provision --host 192.0.2.10" carries inline values; pass them through environment or stdin']);
  });

  it("rejects a command whose text is secret", () => {
    expect(stepCommandsPlain.check(broken("-register", { delete: "[secret]" }), context())[0]).toMatch(/delete command is secret/);
  });
});
