import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledCatalog } from "../helpers";
import { GitProject } from "./git-project";

const round = (n: number) => Math.round(n * 100) / 100;
/** A node's monthly cost: its server and its Primary IPv4. */
const price = (size: string) => round(bundledCatalog().size("het", size)!.monthlyEur + bundledCatalog().primaryIpPrice("het", "ipv4")!.monthlyEur);

interface JsonNode {
  hostname: string; stack: string; change: string; consequences: string[]; steps: string[];
  monthlyCostEurBefore: number; monthlyCostEurAfter: number;
  resources: { type: string; name: string; action: string; changedInputs: { input: string; before: unknown; after: unknown }[]; replaceBecause?: string[]; blocked?: string }[];
}
interface JsonDiff {
  destructive: string[]; pricesAsOf: { base: string; head: string };
  totals: { monthlyCostEurBefore: number; monthlyCostEurAfter: number; monthlyCostEurDelta: number };
  stacks: { stack: string; nodesPlanned: number; counts: Record<string, number>; monthlyCostEurDelta: number }[];
  nodes: JsonNode[];
}

const project = new GitProject(`defaults: { size: cpx22 }
nodes:
  prd-sha-het-de-fsn1-001: { size: cpx32, image: ubuntu-24.04 }
  prd-sha-het-de-fsn1-002: { image: ubuntu-24.04 }
  stg-sha-het-de-fsn1-001: { image: ubuntu-24.04 }
`);
afterAll(() => project.cleanup());

/** Commits a change and diffs it against the commit before, as JSON and as Markdown. */
function change(message: string, file: string, edit: (text: string) => string) {
  project.edit(file, edit);
  project.commit(message);
  const json = project.diff("--base", "HEAD~1", "--json");
  const markdown = project.diff("--base", "HEAD~1", "--markdown");
  const doc = JSON.parse(json.stdout) as JsonDiff;
  const node = (hostname: string) => doc.nodes.find((n) => n.hostname === hostname)!;
  const resource = (hostname: string, suffix: string) => node(hostname).resources.find((r) => r.name === `${hostname}${suffix}`)!;
  return { json, markdown, doc, node, resource };
}

describe("fleet diff on a revision with no change", () => {
  const run = project.diff("--base", "HEAD", "--json");
  const doc = JSON.parse(run.stdout) as JsonDiff;

  it("exits 0, reports every node unchanged and plans none of them", () => {
    expect(run.code).toBe(0);
    expect(doc.nodes.map((n) => n.change)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(doc.stacks.map((s) => s.nodesPlanned)).toEqual([0, 0]);
    expect(doc.totals.monthlyCostEurDelta).toBe(0);
  });

  it("leaves the working tree and the index untouched", () => {
    expect(project.git("status", "--porcelain")).toBe("");
  });
});

describe("adding a node", () => {
  const { json, markdown, doc, node } = change("add a staging node", "fleet.yaml", (t) => `${t}  stg-sha-het-de-nbg1-001: { size: cx33, image: ubuntu-24.04 }\n`);

  it("creates the node and all its resources, and exits 0", () => {
    expect(json.code).toBe(0);
    expect(node("stg-sha-het-de-nbg1-001").change).toBe("create");
    expect(node("stg-sha-het-de-nbg1-001").resources.every((r) => r.action === "create")).toBe(true);
    expect(node("stg-sha-het-de-nbg1-001").consequences[0]).toMatch(/^new node: cx33 in Nuremberg \(nbg1\)/);
  });

  it("adds its monthly price to the stack's cost and the total, with the catalog's price date", () => {
    expect(node("stg-sha-het-de-nbg1-001")).toMatchObject({ monthlyCostEurBefore: 0, monthlyCostEurAfter: price("cx33") });
    expect(doc.stacks.find((s) => s.stack === "stg")!.monthlyCostEurDelta).toBe(price("cx33"));
    expect(doc.totals.monthlyCostEurDelta).toBe(price("cx33"));
    expect(doc.pricesAsOf.head).toBe(bundledCatalog().prices.asOf);
  });

  it("plans only the added node", () => {
    expect(doc.stacks.map((s) => [s.stack, s.nodesPlanned])).toEqual([["prd", 0], ["stg", 1]]);
  });

  it("shows it in the Markdown summary without a destructive section", () => {
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain("| stg | 1 | 0 | 0 | 0 | 0 | 0 | 1 |");
    expect(markdown.stdout).toContain(`**+€${price("cx33").toFixed(2)}**`);
    expect(markdown.stdout).not.toContain("Destructive changes");
  });
});

describe("resizing a protected production node", () => {
  const { json, markdown, node, resource } = change("resize prd 001", "fleet.yaml", (t) => t.replace("prd-sha-het-de-fsn1-001: { size: cpx32,", "prd-sha-het-de-fsn1-001: { size: cpx42,"));

  it("is an in-place resize of the server, not blocked by protection, exit 0", () => {
    expect(json.code).toBe(0);
    expect(node("prd-sha-het-de-fsn1-001").change).toBe("resize");
    const server = resource("prd-sha-het-de-fsn1-001", "-server");
    expect(server.action).toBe("update");
    expect(server.changedInputs).toEqual([{ input: "serverType", before: "cpx32", after: "cpx42" }]);
  });

  it("says the server powers off for about a minute, and prices the difference", () => {
    expect(node("prd-sha-het-de-fsn1-001").consequences).toContain("resize in place cpx32 → cpx42: the server powers off for about a minute; disk and data stay");
    expect(node("prd-sha-het-de-fsn1-001").monthlyCostEurAfter - node("prd-sha-het-de-fsn1-001").monthlyCostEurBefore).toBeCloseTo(price("cpx42") - price("cpx32"));
    expect(markdown.stdout).toContain("↕️ <b>resize</b> <code>prd-sha-het-de-fsn1-001</code>");
  });

  it("shuts down and powers on around the resize, tells the platform the new size, and leaves every other resource alone", () => {
    expect(node("prd-sha-het-de-fsn1-001").resources.filter((r) => r.action !== "unchanged").map((r) => [r.name, r.action])).toEqual([
      ["prd-sha-het-de-fsn1-001-power-off", "update"], ["prd-sha-het-de-fsn1-001-power-on", "update"],
      ["prd-sha-het-de-fsn1-001-register", "update"], ["prd-sha-het-de-fsn1-001-server", "update"]]);
    const env = node("prd-sha-het-de-fsn1-001").resources.find((r) => r.name.endsWith("-register"))!.changedInputs[0]!;
    expect(JSON.parse((env.after as Record<string, string>).NODE_REGISTRATION!)).toMatchObject({ size: "cpx42", monthlyCostEur: price("cpx42") });
  });
});

describe("rebuilding a node by its counter", () => {
  const { json, markdown, doc, node, resource } = change("rebuild stg 001", "fleet.yaml", (t) => t.replace("stg-sha-het-de-fsn1-001: { image: ubuntu-24.04 }", "stg-sha-het-de-fsn1-001: { image: ubuntu-24.04, rebuild: 1 }"));

  it("replaces the server through its replacementTrigger and exits with the destructive code", () => {
    expect(json.code).toBe(10);
    expect(node("stg-sha-het-de-fsn1-001").change).toBe("rebuild");
    expect(resource("stg-sha-het-de-fsn1-001", "-server")).toMatchObject({ action: "replace", replaceBecause: ["replacementTrigger"] });
    expect(doc.destructive).toEqual(["stg-sha-het-de-fsn1-001"]);
  });

  it("says the disk, sites and local backups are erased", () => {
    expect(node("stg-sha-het-de-fsn1-001").consequences[0]).toBe(
      "rebuild — the node's disk, its sites and its local backups are erased (because: rebuild counter 0 → 1)");
  });

  it("re-provisions the new server in place (steps are never replaced) and keeps the node's addresses, DNS and reverse DNS", () => {
    expect(resource("stg-sha-het-de-fsn1-001", "-provision")).toMatchObject({ action: "update" });
    for (const suffix of ["-ipv4", "-ipv6", "-rdns-v4", "-rdns-v6", "-a", "-aaaa"]) expect(resource("stg-sha-het-de-fsn1-001", suffix).action).toBe("unchanged");
    expect(resource("stg-sha-het-de-fsn1-001", "-panel-password")).toMatchObject({ action: "replace", replaceBecause: ["keepers"] });
  });

  it("says the addresses are kept", () => {
    expect(node("stg-sha-het-de-fsn1-001").consequences[1]).toBe("addresses kept: the new server gets the node's own IPv4 and IPv6 " +
      "(stg-sha-het-de-fsn1-001-ipv4, stg-sha-het-de-fsn1-001-ipv6); its DNS records and reverse DNS stay");
  });

  it("keeps the node's admin key and firewall", () => {
    for (const suffix of ["-admin-key", "-fw", "-ssh-key"]) expect(resource("stg-sha-het-de-fsn1-001", suffix).action).toBe("unchanged");
  });

  it("gives the new server a user-data host key of its own, never its predecessor's", () => {
    expect(resource("stg-sha-het-de-fsn1-001", "-host-key")).toMatchObject({ action: "replace", replaceBecause: ["replacementTrigger"] });
  });

  it("names the rebuild in the Markdown summary's destructive section", () => {
    expect(markdown.code).toBe(10);
    expect(markdown.stdout).toMatch(/Destructive changes \(1\)[\s\S]*💥 \*\*rebuild\*\* `stg-sha-het-de-fsn1-001`/);
  });
});

describe("putting a node into maintenance", () => {
  const { json, node, resource } = change("stg 001 maintenance", "fleet.yaml", (t) => t.replace("rebuild: 1 }", "rebuild: 1, status: maintenance }"));

  it("re-sends the registration with the new status and touches nothing else", () => {
    expect(json.code).toBe(0);
    expect(node("stg-sha-het-de-fsn1-001").change).toBe("update");
    expect(node("stg-sha-het-de-fsn1-001").consequences).toEqual([
      "enters maintenance: the platform stops placing new sites on it", "the platform registration is sent again"]);
    const env = resource("stg-sha-het-de-fsn1-001", "-register").changedInputs[0]!;
    expect(JSON.parse((env.after as Record<string, string>).NODE_REGISTRATION!).status).toBe("maintenance");
    expect(node("stg-sha-het-de-fsn1-001").resources.filter((r) => r.action !== "unchanged").map((r) => r.name)).toEqual(["stg-sha-het-de-fsn1-001-register"]);
  });
});

describe("changing the image of a protected production node", () => {
  const { json, node, resource } = change("prd 002 to debian", "fleet.yaml", (t) => t.replace("prd-sha-het-de-fsn1-002: { image: ubuntu-24.04 }", "prd-sha-het-de-fsn1-002: { image: debian-12 }"));

  it("is blocked: the server would be replaced for its image, and it is protected", () => {
    expect(json.code).toBe(10);
    expect(node("prd-sha-het-de-fsn1-002").change).toBe("blocked");
    expect(resource("prd-sha-het-de-fsn1-002", "-server")).toMatchObject({
      action: "replace", replaceBecause: ["image"], blocked: "Pulumi `protect` is set",
    });
    expect(node("prd-sha-het-de-fsn1-002").consequences[0]).toMatch(/^blocked: this change would rebuild the node \(because: image ubuntu-24\.04 → debian-12\)/);
  });

  it("gives the exact steps to proceed, keeping prd servers protected as the policy requires", () => {
    const steps = node("prd-sha-het-de-fsn1-002").steps;
    expect(steps).toHaveLength(4);
    expect(steps[1]).toBe("Just before deploying, lift Hetzner's protection: `hcloud server disable-protection prd-sha-het-de-fsn1-002 delete rebuild`.");
    const urn = (suffix: string, type: string) => `'urn:pulumi:prd::node-fleet::node-fleet:index:Fleet$node-fleet:index:HostingNode$${type}::prd-sha-het-de-fsn1-002${suffix}'`;
    // The image replaces the server, and with it the node's user-data host key.
    expect(steps[2]).toBe("Lift Pulumi's protection of exactly these 2 resources in the state, for this one deployment: `pulumi state unprotect -s prd --yes " +
      `${urn("-host-key", "tls:index/privateKey:PrivateKey")} ${urn("-server", "hcloud:index/server:Server")}\`.`);
  });
});

describe("removing a protected production node", () => {
  const { json, markdown, doc, node } = change("remove prd 002", "fleet.yaml", (t) => t.replace("  prd-sha-het-de-fsn1-002: { image: debian-12 }\n", ""));

  it("is blocked, with every protected resource named, and exits with the destructive code", () => {
    expect(json.code).toBe(10);
    expect(node("prd-sha-het-de-fsn1-002").change).toBe("blocked");
    const server = node("prd-sha-het-de-fsn1-002").resources.find((r) => r.name.endsWith("-server"))!;
    expect(server).toMatchObject({ action: "delete", blocked: "Pulumi `protect` is set" });
    expect(node("prd-sha-het-de-fsn1-002").steps[0]).toBe("An admin approves the removal of prd-sha-het-de-fsn1-002 in this pull request (prd servers stay protected by policy).");
  });

  it("names the node's component and its 17 resources to unprotect (test/engine/lifecycle.test.ts REMOVAL_BLOCKED)", () => {
    const unprotect = node("prd-sha-het-de-fsn1-002").steps[2]!;
    const names = [...unprotect.matchAll(/::([a-z0-9-]+)'/g)].map((m) => m[1]!.replace("prd-sha-het-de-fsn1-002", "")).sort();
    expect(names).toEqual(["", "-a", "-aaaa", "-admin-key", "-backup-password", "-fw", "-host-key", "-ipv4", "-ipv6", "-panel-password", "-power-off", "-power-on", "-provision",
      "-rdns-v4", "-rdns-v6", "-register", "-server", "-ssh-key"]);
    expect(unprotect).toContain("'urn:pulumi:prd::node-fleet::node-fleet:index:Fleet$node-fleet:index:HostingNode::prd-sha-het-de-fsn1-002'");
  });

  it("counts the saving the removal would bring", () => {
    expect(node("prd-sha-het-de-fsn1-002")).toMatchObject({ monthlyCostEurBefore: price("cpx22"), monthlyCostEurAfter: 0 });
    expect(doc.totals.monthlyCostEurDelta).toBe(-price("cpx22"));
    expect(markdown.stdout).toContain(`**−€${price("cpx22").toFixed(2)}**`);
  });
});

describe("opening SSH to another admin network", () => {
  const { json, node, resource } = change("admin network", "Pulumi.prd.yaml",
    (t) => t.replace('node-fleet:sshSourceCidrs: ["203.0.113.10/32", "2001:db8:10::/48"]', 'node-fleet:sshSourceCidrs: ["203.0.113.10/32", "2001:db8:10::/48", "198.51.100.0/24"]'));

  it("updates the firewall in place and says who can now reach SSH", () => {
    expect(json.code).toBe(0);
    expect(node("prd-sha-het-de-fsn1-001").change).toBe("update");
    expect(resource("prd-sha-het-de-fsn1-001", "-fw").action).toBe("update");
    expect(node("prd-sha-het-de-fsn1-001").consequences).toContain(
      "firewall SSH (22/tcp) on prd-sha-het-de-fsn1-001.infra.example.com: newly allowed from 198.51.100.0/24");
  });

  it("re-runs provisioning in place (the node's sshd allow-list follows) without touching the server", () => {
    expect(resource("prd-sha-het-de-fsn1-001", "-provision")).toMatchObject({ action: "update" });
    expect(resource("prd-sha-het-de-fsn1-001", "-server").action).toBe("unchanged");
  });
});

describe("a registration change shows secrets as [secret]", () => {
  const { json, resource } = change("new platform", "Pulumi.prd.yaml",
    (t) => t.replace("https://platform.example.com/api/nodes", "https://platform2.example.com/api/nodes"));

  it("updates the registration step with the token still hidden", () => {
    const register = resource("prd-sha-het-de-fsn1-001", "-register");
    expect(register.action).toBe("update");
    const env = register.changedInputs.find((c) => c.input === "environment")!;
    expect((env.after as Record<string, string>).REGISTRATION_TOKEN).toBe("[secret]");
    expect((env.after as Record<string, string>).REGISTRATION_URL).toBe("https://platform2.example.com/api/nodes");
    expect(json.stdout).not.toContain("offline-plan-placeholder");
  });
});

describe("editing the fleet's defaults", () => {
  const { json, doc, node } = change("bigger default", "fleet.yaml", (t) => t.replace("defaults: { size: cpx22 }", "defaults: { size: cpx32 }"));

  it("resizes the nodes that take the default and no other", () => {
    expect(json.code).toBe(0);
    expect(doc.nodes.map((n) => [n.hostname, n.change])).toEqual([
      ["prd-sha-het-de-fsn1-001", "unchanged"], ["stg-sha-het-de-fsn1-001", "resize"], ["stg-sha-het-de-nbg1-001", "unchanged"],
    ]);
    expect(doc.stacks.map((s) => [s.stack, s.nodesPlanned])).toEqual([["prd", 0], ["stg", 1]]);
    expect(node("stg-sha-het-de-fsn1-001").monthlyCostEurAfter).toBe(price("cpx32"));
    expect(doc.totals.monthlyCostEurDelta).toBe(round(price("cpx32") - price("cpx22")));
  });
});

describe("opening SSH to the world in prd", () => {
  project.edit("Pulumi.prd.yaml",
    (t) => t.replace('node-fleet:sshSourceCidrs: ["203.0.113.10/32", "2001:db8:10::/48", "198.51.100.0/24"]', 'node-fleet:sshSourceCidrs: ["0.0.0.0/0"]'));
  project.commit("ssh for all");
  const json = project.diff("--base", "HEAD~1", "--json");
  project.git("revert", "--no-edit", "HEAD");
  const reverted = project.diff("--base", "HEAD~2", "--stack", "prd");

  it("fails with exit 1 naming the stack file's line, before the policy pack could see such a firewall", () => {
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/Pulumi\.prd\.yaml:\d+:\d+: error: node-fleet:sshSourceCidrs\[0\]: "0\.0\.0\.0\/0" opens SSH \(22\) to the world/);
  });

  it("is undone for the commits that follow", () => {
    expect(reverted.code).toBe(0);
  });
});

describe("rebuilding a protected production node by its counter", () => {
  const { json, node } = change("rebuild prd 001", "fleet.yaml", (t) => t.replace("prd-sha-het-de-fsn1-001: { size: cpx42, image: ubuntu-24.04 }", "prd-sha-het-de-fsn1-001: { size: cpx42, image: ubuntu-24.04, rebuild: 1 }"));

  it("is blocked, naming the resources to unprotect (test/engine/lifecycle.test.ts REBUILD_BLOCKED)", () => {
    expect(json.code).toBe(10);
    expect(node("prd-sha-het-de-fsn1-001").change).toBe("blocked");
    const unprotect = node("prd-sha-het-de-fsn1-001").steps[2]!;
    expect([...unprotect.matchAll(/::prd-sha-het-de-fsn1-001([a-z0-9-]+)'/g)].map((m) => m[1]).sort()).toEqual(["-host-key", "-panel-password", "-server"]);
  });
});

describe("adding a fleet-wide master key to stg", () => {
  const { json, markdown, doc, resource } = change("master key", "Pulumi.stg.yaml", (t) => t.replace(
    "# node-fleet:masterSshPublicKey: ssh-ed25519 AAAA... ops@example.com",
    "node-fleet:masterSshPublicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZnXTLnUcIbQbjORKANeESwpmDA6xxOqXoZVz8Pb7ZA ops@example.com"));
  const stg = () => (doc.stacks as unknown as { stack: string; stackResources: { name: string; action: string }[] }[]).find((s) => s.stack === "stg")!;

  it("uploads nothing to Hetzner: the stack gains no resource of its own", () => {
    expect(json.code).toBe(0);
    expect(stg().stackResources).toEqual([]);
    expect(markdown.stdout).not.toContain("Stack stg itself");
  });

  it("re-runs provisioning in place to authorize the key, and leaves every server alone", () => {
    for (const hostname of ["stg-sha-het-de-fsn1-001", "stg-sha-het-de-nbg1-001"]) {
      expect(resource(hostname, "-provision").action).toBe("update");
      expect(resource(hostname, "-server").action).toBe("unchanged");
    }
  });
});

describe("fleet diff --stack limits the comparison to one stack", () => {
  it("reports only that stack's nodes", () => {
    const doc = JSON.parse(project.diff("--base", "HEAD~1", "--stack", "stg", "--json").stdout) as JsonDiff;
    expect(doc.stacks.map((s) => s.stack)).toEqual(["stg"]);
    expect(doc.nodes.every((n) => n.stack === "stg")).toBe(true);
  });
});

describe("rebuilding a node after the catalog moved its region to another Hetzner location", () => {
  // One pull request: the catalog's provider id for fsn1 changes, and a node there is rebuilt.
  // Committed when these tests run, so the tests above diff the commits made for them.
  let diffed: ReturnType<typeof change>;
  beforeAll(() => {
    project.edit("catalog/regions.yaml", (t) => t.replace("{ native: fsn1, code: fsn1,", "{ native: fsn1-dc14, code: fsn1,"));
    diffed = change("rebuild stg 001 after a catalog move", "fleet.yaml", (t) => t.replace("stg-sha-het-de-fsn1-001: { image: ubuntu-24.04, rebuild: 1,", "stg-sha-het-de-fsn1-001: { image: ubuntu-24.04, rebuild: 2,"));
  }, 600_000);

  it("names the location the new server takes: ignoreChanges does not carry into a replacement (continueStepsFromDiff re-checks the program's inputs)", () => {
    expect(diffed.json.code).toBe(10);
    expect(diffed.resource("stg-sha-het-de-fsn1-001", "-server").changedInputs).toContainEqual({ input: "location", before: "fsn1", after: "fsn1-dc14" });
    expect(diffed.node("stg-sha-het-de-fsn1-001").consequences[1]).toBe(
      "the new server takes what the program declares today, not what the old one had: location fsn1 → fsn1-dc14");
  });

  it("moves no server that is not rebuilt", () => {
    const server = diffed.node("prd-sha-het-de-fsn1-001").resources.find((r) => r.name.endsWith("-server"))!;
    expect(server.action).toBe("unchanged");
  });
});

describe("bad input and bad command lines", () => {
  it("exits 1 naming a revision git does not know", () => {
    const run = project.diff("--base", "no-such-ref");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no-such-ref");
  });

  it("exits 1 naming the revision when the base fleet is invalid", () => {
    project.edit("fleet.yaml", (t) => t.replace("stg-sha-het-de-nbg1-001: { size: cx33,", "stg-sha-het-de-nbg1-001: { size: cx99,"));
    project.commit("broken size");
    project.edit("fleet.yaml", (t) => t.replace("size: cx99,", "size: cx33,"));
    const run = project.diff("--base", "HEAD");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[HEAD \([0-9a-f]{12}\)\].*fleet\.yaml:\d+:\d+: .*cx99/);
  });

  it("exits 2 without --base, or with both --json and --markdown", () => {
    expect(project.diff().code).toBe(2);
    expect(project.diff("--base", "HEAD", "--json", "--markdown").code).toBe(2);
  });
});
