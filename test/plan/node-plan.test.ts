import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateFleetFile } from "../../src/fleet/validate";
import { planFleet } from "../../src/plan/node-plan";
import { readStackFile } from "../../src/stack/stack-file";
import type { StackSettings } from "../../src/stack/settings";
import { bundledCatalog, FIXTURES } from "../helpers";

const ROOT = join(__dirname, "../..");
const settingsOf = (stack: string): StackSettings => readStackFile(ROOT, stack).stack!.settings;
const fleet = validateFleetFile(join(FIXTURES, "fleet", "valid.yaml"), bundledCatalog()).fleet!;
const plans = (stack: string, overrides: Partial<StackSettings> = {}) => planFleet(fleet, bundledCatalog(), { ...settingsOf(stack), ...overrides });

describe("planFleet", () => {
  it("plans only the stack's environment, in hostname order", () => {
    expect(plans("prd").map((p) => p.hostname)).toEqual(["prd-sha-het-de-fsn1-001", "prd-sha-het-fi-hel1-001", "prd-sha-het-us-ash1-001"]);
    expect(plans("stg").map((p) => p.hostname)).toEqual(["stg-sha-het-de-nbg1-001"]);
  });

  it("resolves the provider location, server type, image and FQDN", () => {
    const ash = plans("prd").find((p) => p.region === "ash1")!;
    expect(ash).toEqual(expect.objectContaining({
      location: "ash", country: "us", city: "Ashburn", serverType: "cpx22", image: "ubuntu-24.04",
      fqdn: "prd-sha-het-us-ash1-001.infra.example.com", replaces: "prd-sha-het-de-fsn1-001",
    }));
  });

  it("takes the monthly and hourly cost from the catalog: the server plus its Primary IPv4 (IPv6 is free)", () => {
    const main = plans("prd")[0]!;
    expect([main.serverType, main.monthlyCostEur, main.hourlyCostEur]).toEqual(["cpx32", 10.99, 0.0176]);
  });

  it("gives each node an IPv4 and an IPv6 of its own in the node's provider location, never deleted with a server", () => {
    const ash = plans("prd").find((p) => p.region === "ash1")!;
    expect(ash.addresses).toEqual([
      { family: "ipv4", name: "prd-sha-het-us-ash1-001-ipv4", location: "ash", autoDelete: false, deleteProtection: true, monthlyCostEur: 0.5, hourlyCostEur: 0.0008 },
      { family: "ipv6", name: "prd-sha-het-us-ash1-001-ipv6", location: "ash", autoDelete: false, deleteProtection: true, monthlyCostEur: 0, hourlyCostEur: 0 },
    ]);
  });

  it("protects the addresses at Hetzner exactly when the node is protected", () => {
    expect(plans("dev")[0]!.addresses.map((a) => a.deleteProtection)).toEqual([false, false]);
  });

  it("labels the server with node-fleet's keys and the fleet's own labels", () => {
    expect(plans("dev")[0]!.labels).toEqual({
      team: "platform", "example.com/cost-center": "42",
      env: "dev", type: "sha", provider: "het", region: "fsn1", node: "dev-sha-het-de-fsn1-001", panel: "virtualmin", "managed-by": "node-fleet",
    });
  });

  it("protects prd nodes by default and not dev ones", () => {
    expect(plans("prd").every((p) => p.protect)).toBe(true);
    expect(plans("dev").every((p) => !p.protect)).toBe(true);
  });

  it("lets the stack turn protection off", () => {
    expect(plans("prd", { protect: false }).every((p) => !p.protect)).toBe(true);
  });

  it("merges node backups over the stack's", () => {
    expect(plans("stg")[0]!.backups).toEqual({ enabled: true, retentionDays: 3, schedule: "30 3 * * 1-5" });
    expect(plans("prd")[0]!.backups).toEqual({ enabled: true, retentionDays: 7, schedule: "0 2 * * *" });
  });

  it("gives the playbook the pinned panel versions and backup settings", () => {
    expect(plans("prd")[0]!.ansibleVars).toEqual(expect.objectContaining({
      node_hostname: "prd-sha-het-de-fsn1-001", virtualmin_version: "8.1.0", virtualmin_webmin_version: "2.660",
      backup_retention_days: 7, backup_schedule: "0 2 * * *", security_ssh_allowed_sources: ["203.0.113.10/32", "2001:db8:10::/48"],
    }));
  });

  it("points the platform at the panel's remote API", () => {
    expect(plans("prd")[0]!.panel).toEqual(expect.objectContaining({
      apiUrl: "https://prd-sha-het-de-fsn1-001.infra.example.com:10000/virtual-server/remote.cgi", apiUser: "node-fleet-api",
    }));
  });

  it("uses Cloudflare-only web sources in prd and open ones in dev", () => {
    expect(plans("prd")[0]!.firewallRules.find((r) => r.port === "443")!.sourceIps).toContain("173.245.48.0/20");
    expect(plans("dev")[0]!.firewallRules.find((r) => r.port === "443")!.sourceIps).toEqual(["0.0.0.0/0", "::/0"]);
  });

  it("sends backups off the node only when the stack has an object store, each node into its own repository", () => {
    expect(plans("prd")[0]!.ansibleVars.backup_offsite_enabled).toBe(false);
    const offsite = { endpoint: "https://fsn1.your-objectstorage.com/", bucket: "acme-node-backups", region: "fsn1", accessKeyId: "AKIA1",
      keep: { daily: 7, weekly: 4, monthly: 6 }, checkSchedule: "30 4 * * 0", maxAgeHours: 26 };
    expect(plans("prd", { offsiteBackups: offsite })[0]!.ansibleVars).toEqual(expect.objectContaining({
      backup_offsite_enabled: true, backup_offsite_endpoint: "https://fsn1.your-objectstorage.com", backup_offsite_bucket: "acme-node-backups",
      backup_offsite_region: "fsn1", backup_offsite_prefix: "prd-sha-het-de-fsn1-001", backup_offsite_access_key_id: "AKIA1",
      backup_offsite_keep_daily: 7, backup_offsite_keep_weekly: 4, backup_offsite_keep_monthly: 6, backup_offsite_check_schedule: "30 4 * * 0",
    }));
  });
});
