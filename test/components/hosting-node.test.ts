import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretValue, type RecordedResource } from "../../src/offline/recorder";
import type { StackOutputs } from "../../src/program";
import type { EngineResource } from "../engine/model";
import { byName, fakeOutputs, FLEET, PANEL_CERT, rotatedKeyOf, runStack, stableId } from "./harness";

const NODE = "prd-sha-het-de-fsn1-001";
let resources: RecordedResource[];
let state: EngineResource[];
let outputs: StackOutputs;
const r = (suffix: string) => byName(resources, `${NODE}${suffix}`);
const urnOf = (suffix: string) => r(suffix).urn;
const PRIMARY_IP = "hcloud:index/primaryIp:PrimaryIp";
/** The id the mocks give one of the node's addresses. */
const ipId = (suffix: string) => stableId(PRIMARY_IP, `${NODE}${suffix}`);
const addressOf = (family: string) => fakeOutputs(PRIMARY_IP, `${NODE}-${family}`, { type: family }, ipId(`-${family}`)).ipAddress as string;
const IPV4 = addressOf("ipv4");
/** The server's address in its IPv6 network: the network's first host. */
const IPV6_HOST = `${addressOf("ipv6")}1`;

beforeAll(async () => {
  ({ resources, state, outputs } = await runStack("prd", FLEET));
});

describe("HostingNode resources", () => {
  it("declares each role once per node, as children of the node", () => {
    const node = resources.find((x) => x.type === "node-fleet:index:HostingNode" && x.name === NODE)!;
    const children = resources.filter((x) => x.parent === node.urn).map((x) => `${x.type} ${x.name.slice(NODE.length)}`);
    expect(children.sort()).toEqual([
      "cloudflare:index/dnsRecord:DnsRecord -a", "cloudflare:index/dnsRecord:DnsRecord -aaaa",
      "command:local:Command -power-off", "command:local:Command -power-on",
      "command:local:Command -provision", "command:local:Command -register",
      "hcloud:index/firewall:Firewall -fw", "hcloud:index/primaryIp:PrimaryIp -ipv4", "hcloud:index/primaryIp:PrimaryIp -ipv6",
      "hcloud:index/rdns:Rdns -rdns-v4", "hcloud:index/rdns:Rdns -rdns-v6",
      "hcloud:index/server:Server -server", "hcloud:index/sshKey:SshKey -ssh-key",
      "random:index/randomPassword:RandomPassword -backup-password", "random:index/randomPassword:RandomPassword -panel-password",
      "tls:index/privateKey:PrivateKey -admin-key", "tls:index/privateKey:PrivateKey -host-key",
    ]);
  });

  it("creates ED25519 admin and host keys whose private parts are secret outputs", () => {
    for (const key of ["-admin-key", "-host-key"]) {
      expect(r(key).inputs).toEqual({ algorithm: "ED25519" });
      expect(r(key).additionalSecretOutputs).toContain("privateKeyOpenssh");
    }
  });

  it("registers the admin key with Hetzner under the hostname, without the trailing newline", () => {
    expect(r("-ssh-key").inputs).toEqual(expect.objectContaining({ name: NODE, publicKey: `ssh-ed25519 AAAA-${NODE}-admin-key` }));
  });

  it("declares the server with type, image, location, labels and protection", () => {
    expect(r("-server").inputs).toEqual(expect.objectContaining({
      name: NODE, serverType: "cpx32", image: "ubuntu-24.04", location: "fsn1", keepDisk: true,
      deleteProtection: true, rebuildProtection: true, backups: false,
      labels: { env: "prd", type: "sha", provider: "het", region: "fsn1", node: NODE, panel: "virtualmin", "managed-by": "node-fleet" },
    }));
  });

  it("passes hcloud ids as numbers and attaches only the node's own key, and its firewall", () => {
    const server = r("-server").inputs;
    expect(server.firewallIds).toEqual([expect.any(Number)]);
    expect(server.sshKeys).toEqual([expect.stringMatching(/^\d+$/)]);
    expect(r("-server").dependencies).toEqual(expect.arrayContaining([urnOf("-fw"), urnOf("-ssh-key")]));
  });

  it("replaces the server through the rebuild counter; user data and location never replace it", () => {
    expect(r("-server").hasReplacementTrigger).toBe(true);
    expect(r("-server").ignoreChanges).toEqual(["userData", "location"]);
    expect(r("-server").deleteBeforeReplace).toBe(true);
  });

  it("changes the server only after the clean shutdown a resize needs", () => {
    expect(r("-server").dependencies).toContain(urnOf("-power-off"));
    expect(r("-power-on").dependencies).toContain(urnOf("-server"));
  });

  it("keeps the cloud-init user data secret, since it carries the host private key", () => {
    expect(isSecretValue(r("-server").inputs.userData)).toBe(true);
  });

  it("opens port 10000 only to the stack's panel sources", () => {
    const rules = r("-fw").inputs.rules as { port?: string; protocol: string; sourceIps: string[] }[];
    expect(rules).toHaveLength(14);
    expect(rules.find((x) => x.port === "10000")!.sourceIps).toEqual(["203.0.113.10/32", "2001:db8:10::/48"]);
    expect(rules.find((x) => x.port === "22")!.sourceIps).toEqual(["203.0.113.10/32", "2001:db8:10::/48"]);
  });

  it("points reverse DNS of both addresses at the FQDN through the addresses, not the server", () => {
    const fqdn = `${NODE}.infra.example.com`;
    expect(r("-rdns-v4").inputs).toEqual({ primaryIpId: ipId("-ipv4"), ipAddress: IPV4, dnsPtr: fqdn });
    expect(r("-rdns-v6").inputs).toEqual({ primaryIpId: ipId("-ipv6"), ipAddress: IPV6_HOST, dnsPtr: fqdn });
  });

  it("creates unproxied A and AAAA records for the FQDN with the node's own addresses", () => {
    expect(r("-a").inputs).toEqual(expect.objectContaining({
      zoneId: "023e105f4ecef8ad9ca31a8372d0c353", name: `${NODE}.infra.example.com`, type: "A",
      content: IPV4, ttl: 300, proxied: false,
    }));
    expect(r("-aaaa").inputs).toEqual(expect.objectContaining({ type: "AAAA", content: IPV6_HOST, proxied: false }));
  });
});

describe("HostingNode addresses", () => {
  it("declares an IPv4 and an IPv6 Primary IP named for the node, in its location, never deleted with a server", () => {
    for (const family of ["ipv4", "ipv6"]) {
      expect(r(`-${family}`).inputs).toEqual({
        name: `${NODE}-${family}`, type: family, location: "fsn1", autoDelete: false, deleteProtection: true,
        labels: r("-server").inputs.labels,
      });
    }
  });

  it("takes the location and never the assignee: the provider accepts exactly one of them (ConfigValidators ExactlyOneOf)", () => {
    expect(r("-ipv4").inputs.assigneeId).toBeUndefined();
    expect(r("-ipv4").ignoreChanges).toEqual(["location"]);
  });

  it("creates the server with both addresses through publicNets", () => {
    expect(r("-server").inputs.publicNets).toEqual([{ ipv4Enabled: true, ipv6Enabled: true, ipv4: ipId("-ipv4"), ipv6: ipId("-ipv6") }]);
    expect(r("-server").dependencies).toEqual(expect.arrayContaining([urnOf("-ipv4"), urnOf("-ipv6")]));
  });

  it("reports the addresses as the node's outputs", async () => {
    const node = outputs.nodes[NODE]!;
    const [ipv4, ipv6] = await Promise.all([node.ipv4, node.ipv6].map((o) => new Promise((done) => o.apply(done))));
    expect([ipv4, ipv6]).toEqual([IPV4, IPV6_HOST]);
  });
});

describe("HostingNode steps", () => {
  it("provisions only after DNS and reverse DNS exist", () => {
    expect(r("-provision").dependencies).toEqual(expect.arrayContaining([urnOf("-a"), urnOf("-aaaa"), urnOf("-rdns-v4"), urnOf("-rdns-v6")]));
  });

  it("registers only after provisioning succeeded", () => {
    expect(r("-register").dependencies).toContain(urnOf("-provision"));
  });

  it("runs provisioning with no value in its command text and the key on stdin", () => {
    const inputs = r("-provision").inputs;
    expect(inputs.create).toBe("ansible/bin/provision");
    expect(isSecretValue(inputs.stdin)).toBe(true);
    expect(inputs.environment).toEqual(expect.objectContaining({
      NODE_HOSTNAME: NODE, NODE_HOST: IPV4, NODE_USER: "root", NODE_PORT: "22",
      NODE_HOST_KEY: `ssh-ed25519 AAAA-${NODE}-host-key`, NODE_SERVER_ID: expect.stringMatching(/^\d+$/),
    }));
    expect(isSecretValue((inputs.environment as Record<string, unknown>).NODE_PANEL_PASSWORD)).toBe(true);
  });

  // Provisioning replaces the user-data host key, and power-off runs before the server,
  // so it could never pin the key that replaced it: it logs in nowhere.
  it("gives the power-off step neither a host key nor the admin key: it shuts down through Hetzner's API", () => {
    const inputs = r("-power-off").inputs;
    expect(inputs.stdin).toBeUndefined();
    expect(Object.keys(inputs.environment as Record<string, unknown>).sort()).toEqual(["NODE_HOSTNAME", "NODE_SERVER_TYPE", "NODE_WAIT"]);
  });

  it("re-runs provisioning through update, never by replacement, with the configuration digest it records", () => {
    const inputs = r("-provision").inputs;
    expect(inputs).toEqual(expect.objectContaining({ create: "ansible/bin/provision", update: "ansible/bin/provision", addPreviousOutputInEnv: true }));
    expect(inputs.triggers).toBeUndefined();
    expect((inputs.environment as Record<string, unknown>).NODE_CONFIG_DIGEST).toMatch(/^[0-9a-f]{64}$/);
    expect((inputs.environment as Record<string, unknown>).NODE_TIMEOUT).toBe("1800");
  });

  it("keeps every step's output secret", () => {
    for (const step of ["-provision", "-register"]) expect(r(step).additionalSecretOutputs).toEqual(["stdout", "stderr"]);
    for (const step of ["-power-off", "-power-on"]) expect(r(step).additionalSecretOutputs).toEqual(["stderr"]);
  });

  it("registers with an idempotent PUT on create and update, and deregisters on delete", () => {
    expect(r("-register").inputs).toEqual(expect.objectContaining({
      create: "node bin/register put", update: "node bin/register put", delete: "node bin/register delete", addPreviousOutputInEnv: false,
    }));
    expect(r("-register").inputs.triggers).toBeUndefined();
  });

  it("keeps the registration token and the panel password secret", () => {
    const env = r("-register").inputs.environment as Record<string, unknown>;
    expect(isSecretValue(env.REGISTRATION_TOKEN)).toBe(true);
    expect(isSecretValue(env.PANEL_API_PASSWORD)).toBe(true);
    expect(JSON.stringify(r("-register").inputs.create)).not.toContain("token");
  });
});

describe("time limits", () => {
  const timeouts = (suffix: string) => state.find((x) => x.name === `${NODE}${suffix}`)!.customTimeouts;

  it("bounds the server's creation by timeouts.serverCreate", () => {
    expect(timeouts("-server")).toEqual({ create: "600s" });
  });

  it("lets the command provider kill a step a minute after the step's own limit", () => {
    expect(timeouts("-provision")).toEqual({ create: "1860s", update: "1860s" });
    expect(timeouts("-register")).toEqual({ create: "180s", update: "180s", delete: "180s" });
    expect(timeouts("-power-off")).toEqual({ create: "360s", update: "360s" });
  });
});

describe("protection", () => {
  it("protects every resource of a prd node, its steps included", () => {
    const node = resources.find((x) => x.type === "node-fleet:index:HostingNode" && x.name === NODE)!;
    const children = resources.filter((x) => x.parent === node.urn);
    expect(children.length).toBe(17);
    expect(children.filter((x) => !x.protect).map((x) => x.name)).toEqual([]);
  });

  it("honours a node outside prd that turns its stack's protection off", async () => {
    const stg = await runStack("stg", "nodes:\n  stg-sha-het-de-fsn1-001: { size: cpx22, image: ubuntu-24.04, protect: false }\n", { protect: true });
    expect(byName(stg.resources, "stg-sha-het-de-fsn1-001-server").protect).toBe(false);
    expect(byName(stg.resources, "stg-sha-het-de-fsn1-001-server").inputs.deleteProtection).toBe(false);
    expect(byName(stg.resources, "stg-sha-het-de-fsn1-001-ipv4").protect).toBe(false);
    expect(byName(stg.resources, "stg-sha-het-de-fsn1-001-ipv4").inputs.deleteProtection).toBe(false);
  });

  it("refuses a prd node that turns protection off, before declaring anything", async () => {
    await expect(runStack("prd", `nodes:\n  ${NODE}: { size: cpx22, image: ubuntu-24.04, protect: false }\n`)).rejects.toThrow(/a prd node cannot set protect: false/);
  });
});

describe("the prd stack", () => {
  it("declares only prd nodes", () => {
    const nodes = resources.filter((x) => x.type === "node-fleet:index:HostingNode").map((x) => x.name);
    expect(nodes).toEqual(["prd-sha-het-de-fsn1-001", "prd-sha-het-us-ash1-001"]);
  });

  const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

  it("reports each node's pinned host key, the one provisioning generated on the node and not the user-data one, for fleet health", async () => {
    expect(await value(outputs.nodes[NODE]!.hostPublicKey)).toBe(`ssh-ed25519 ${rotatedKeyOf(`${NODE}-provision`)}`);
    expect(await pulumi.isSecret(outputs.nodes[NODE]!.hostPublicKey)).toBe(false);
  });

  it("reports each node's panel certificate fingerprint that provisioning read, for fleet health to pin", async () => {
    expect(await value(outputs.nodes[NODE]!.panelCertSha256)).toBe(PANEL_CERT);
    expect(await pulumi.isSecret(outputs.nodes[NODE]!.panelCertSha256)).toBe(false);
  });

  it("reports the panel passwords by node in one output that is secret as a whole", async () => {
    expect(await value(outputs.panelPasswords)).toEqual({
      [NODE]: `password-of-${NODE}-panel-password`, "prd-sha-het-us-ash1-001": "password-of-prd-sha-het-us-ash1-001-panel-password" });
    expect(await pulumi.isSecret(outputs.panelPasswords)).toBe(true);
  });

  it("reports each node's backup repository password and admin key in outputs that are secret as a whole, for fleet restore", async () => {
    expect(await value(outputs.backupPasswords)).toEqual({
      [NODE]: `password-of-${NODE}-backup-password`, "prd-sha-het-us-ash1-001": "password-of-prd-sha-het-us-ash1-001-backup-password" });
    expect(await pulumi.isSecret(outputs.backupPasswords)).toBe(true);
    expect(Object.keys(await value(outputs.adminKeys))).toEqual([NODE, "prd-sha-het-us-ash1-001"]);
    expect(await pulumi.isSecret(outputs.adminKeys)).toBe(true);
  });

  it("hands the node's backup password to provisioning as a secret, and keeps it across rebuilds (no keepers)", () => {
    expect(r("-backup-password").inputs).toEqual({ length: 48, special: false });
    expect(r("-provision").inputs.environment).toHaveProperty("NODE_RESTIC_PASSWORD");
  });
});
