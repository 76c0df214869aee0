import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../helpers";

const ROOT = join(__dirname, "../..");

/** `fleet plan` as a user runs it: the built CLI, in its own process. */
function plan(args: string[], fleetText?: string, options: { cwd?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "plan-"));
  for (const stack of ["prd", "stg", "dev"]) cpSync(join(ROOT, `Pulumi.${stack}.yaml`), join(dir, `Pulumi.${stack}.yaml`));
  writeFileSync(join(dir, "fleet.yaml"), fleetText ?? `defaults: { size: cpx22 }
nodes:
  prd-sha-het-de-fsn1-001: { size: cpx42, image: debian-12 }
  prd-sha-het-fi-hel1-007: { image: debian-12 }
  prd-sha-het-us-hil1-001: { size: ccx13, image: debian-12 }
  stg-sha-het-de-nbg1-001: { size: cx33, image: debian-12 }
`);
  const run = spawnSync(join(ROOT, "bin/fleet"), ["plan", "--project", dir, ...args], { encoding: "utf8", ...options });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, dir };
}

describe("fleet plan --json", () => {
  const run = plan(["--stack", "prd", "--json"]);
  const doc = JSON.parse(run.stdout);

  it("exits 0 and lists only the stack's nodes", () => {
    expect(run.code).toBe(0);
    expect(doc.stack).toBe("prd");
    expect(doc.nodes.map((n: { hostname: string }) => n.hostname)).toEqual(["prd-sha-het-de-fsn1-001", "prd-sha-het-fi-hel1-007", "prd-sha-het-us-hil1-001"]);
  });

  it("gives each node its FQDN and the catalog's monthly cost (server and Primary IPv4), and the total", () => {
    const ipv4 = bundledCatalog().primaryIpPrice("het", "ipv4")!.monthlyEur;
    const price = (size: string) => Math.round((bundledCatalog().size("het", size)!.monthlyEur + ipv4) * 100) / 100;
    expect(doc.nodes.map((n: { fqdn: string; monthlyCostEur: number }) => [n.fqdn, n.monthlyCostEur])).toEqual([
      ["prd-sha-het-de-fsn1-001.infra.example.com", price("cpx42")],
      ["prd-sha-het-fi-hel1-007.infra.example.com", price("cpx22")],
      ["prd-sha-het-us-hil1-001.infra.example.com", price("ccx13")],
    ]);
    expect(doc.totalMonthlyCostEur).toBe(Math.round((price("cpx42") + price("cpx22") + price("ccx13")) * 100) / 100);
  });

  it("lists every resource by type token and name", () => {
    const resources = doc.nodes[2].resources.map((r: { type: string; name: string }) => `${r.type} ${r.name}`);
    expect(resources).toHaveLength(17);
    expect(resources).toContain("hcloud:index/server:Server prd-sha-het-us-hil1-001-server");
    expect(resources).toContain("command:local:Command prd-sha-het-us-hil1-001-register");
    expect(doc.resourceCount).toBe(51);
  });

  it("shows key inputs but never a secret's value", () => {
    const server = doc.nodes[2].resources.find((r: { type: string }) => r.type === "hcloud:index/server:Server");
    expect(server.inputs).toEqual(expect.objectContaining({ serverType: "ccx13", location: "hil", image: "debian-12" }));
    const register = doc.nodes[2].resources.find((r: { name: string }) => r.name.endsWith("-register"));
    expect(register.inputs.environment.REGISTRATION_TOKEN).toBe("[secret]");
    expect(run.stdout).not.toContain("offline-plan-placeholder");
  });

  it("carries the stack file's warnings: the example's documentation addresses, zone, zone id and registration URL", () => {
    expect(doc.warnings).toEqual([
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("node-fleet:sshSourceCidrs: 203.0.113.10/32, 2001:db8:10::/48 are documentation addresses") }),
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("node-fleet:panelSourceCidrs: 203.0.113.10/32, 2001:db8:10::/48 are documentation addresses") }),
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("node-fleet:dnsZone: infra.example.com is a domain reserved for documentation") }),
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("node-fleet:cloudflareZoneId") }),
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("node-fleet:registrationUrl") }),
    ]);
  });

  it("prints nothing but warnings on stderr (no progress when stderr is not a terminal)", () => {
    expect(run.stderr.split("\n").filter(Boolean).every((l) => l.includes(": warning: "))).toBe(true);
  });

  it("lists the secrets a real pulumi up still needs", () => {
    expect(doc.secretsNeeded).toEqual(["hcloud:token", "cloudflare:apiToken", "node-fleet:registrationToken"]);
  });
});

describe("fleet plan", () => {
  it("prints firewall, DNS and totals as text", () => {
    const run = plan(["--stack", "stg"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Stack stg: 1 node, €5\.49\/month$/m);
    expect(run.stdout).toMatch(/^Total: €5\.49\/month for 1 node, 17 resources$/m);
    expect(run.stdout).toContain("firewall: 22/tcp 10000/tcp from 203.0.113.10/32, 2001:db8:10::/48");
    expect(run.stdout).toContain("dns: A stg-sha-het-de-nbg1-001.infra.example.com, AAAA stg-sha-het-de-nbg1-001.infra.example.com");
  });

  it("prints a Markdown table for a pull request", () => {
    const run = plan(["--stack", "prd", "--markdown"]);
    expect(run.stdout).toContain("| `prd-sha-het-de-fsn1-001` | cpx42 debian-12 in fsn1 | €19.99 | yes | 17 |");
  });

  it("warns in the plan that dev opens SSH and Webmin to the world", () => {
    const run = plan(["--stack", "dev"], "nodes:\n  dev-sha-het-de-fsn1-001: { size: cpx22, image: debian-12 }\n");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Pulumi\.dev\.yaml:13:38: warning: SSH \(22\) and Webmin \(10000\) of every dev node are open to the world/);
    expect(run.stdout).toContain("firewall: 22/tcp 10000/tcp 80/tcp 443/tcp");
  });

  it("resolves --fleet against the working directory, not --project", () => {
    const here = mkdtempSync(join(tmpdir(), "cwd-"));
    writeFileSync(join(here, "mine.yaml"), "nodes:\n  stg-sha-het-fi-hel1-002: { size: cx23, image: debian-12 }\n");
    const run = plan(["--stack", "stg", "--fleet", "mine.yaml"], undefined, { cwd: here });
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining("stg-sha-het-fi-hel1-002")]);
  });

  it("plans with the catalog --catalog names", () => {
    const catalog = mkdtempSync(join(tmpdir(), "catalog-"));
    cpSync(join(ROOT, "catalog"), catalog, { recursive: true });
    const sizes = join(catalog, "sizes.yaml");
    writeFileSync(sizes, readFileSync(sizes, "utf8").replace(/(cx33: .*monthlyEur: )4\.99/, "$1" + "7.77"));
    const run = spawnSync(join(ROOT, "bin/fleet"), ["--catalog", catalog, "plan", "--stack", "stg", "--project", plan([]).dir], { encoding: "utf8" });
    expect(run.stdout).toMatch(/^Stack stg: 1 node, €8\.27\/month$/m);
    expect(run.stdout).toContain("stg-sha-het-de-nbg1-001  stg-sha-het-de-nbg1-001.infra.example.com  cx33 debian-12 in nbg1  €8.27/month");
  });

  it("fails with positions and declares nothing when the fleet is invalid", () => {
    const run = plan(["--stack", "prd"], "nodes:\n  prd-sha-het-us-fsn1-001: { size: cpx22 }\n");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/fleet\.yaml:2:15: error: country "us" does not match region fsn1/);
    expect(run.stdout).toBe("");
  });
});

describe("fleet plan --base", () => {
  it("lists a node's own image change as a rebuild that erases its disk", () => {
    const base = join(mkdtempSync(join(tmpdir(), "base-")), "fleet.yaml");
    writeFileSync(base, "defaults: { size: cpx22, image: ubuntu-22.04 }\nnodes:\n  stg-sha-het-de-nbg1-001: { size: cx33 }\n");
    const run = plan(["--stack", "stg", "--base", base]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stg-sha-het-de-nbg1-001: REBUILD (image ubuntu-22.04 → debian-12): the server is replaced and its disk is erased");
  });
});
