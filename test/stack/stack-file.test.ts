import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatIssue } from "../../src/source/issues";
import { stackProtects } from "../../src/stack/settings";
import { readStackFile } from "../../src/stack/stack-file";

const ROOT = join(__dirname, "../..");
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A valid stg stack file with `extra` lines appended under `config:` (a later key
 *  of the same name replaces the base one, so tests state only what they change). */
function stg(extra: string, stack = "stg"): ReturnType<typeof readStackFile> {
  const base: Record<string, string> = {
    "node-fleet:environment": stack,
    "node-fleet:dnsZone": "infra.hosting-co.net",
    "node-fleet:cloudflareZoneId": "5c1e0a77b2d94e0f8a3b6c2d1e4f7a90",
    "node-fleet:sshSourceCidrs": '["10.20.0.0/16", "fd00:10::/48"]',
    "node-fleet:panelSourceCidrs": '["10.20.0.0/16"]',
    "node-fleet:features": "{autoRegistration: false}",
  };
  const overridden = new Set([...extra.matchAll(/^ {2}([^\s:]+:[^\s:]+):/gm)].map((m) => m[1]));
  const lines = Object.entries(base).filter(([k]) => !overridden.has(k)).map(([k, v]) => `  ${k}: ${v}`);
  const dir = mkdtempSync(join(tmpdir(), "stack-"));
  dirs.push(dir);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), `config:\n${lines.join("\n")}\n${extra}`);
  return readStackFile(dir, stack);
}
const messages = (r: ReturnType<typeof readStackFile>) => r.issues.map((i) => i.message);

describe("a stack file that is not UTF-8", () => {
  it("is refused at the first bad byte, not read with replacement characters", () => {
    const dir = mkdtempSync(join(tmpdir(), "stack-"));
    dirs.push(dir);
    writeFileSync(join(dir, "Pulumi.stg.yaml"), Buffer.concat([Buffer.from("config:\n  node-fleet:dnsZone: caf"), Buffer.from([0xe9]), Buffer.from(".example.com\n")]));
    expect(readStackFile(dir, "stg").issues).toEqual([expect.objectContaining({ line: 2, col: 26, severity: "error",
      message: "the file is not UTF-8: byte 0xE9 (file offset 33) is not valid here; save the file as UTF-8" })]);
  });
});

describe("readStackFile: the committed stack files", () => {
  it.each(["prd", "stg", "dev"])("reads Pulumi.%s.yaml", (stack) => {
    const { stack: file, issues } = readStackFile(ROOT, stack);
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(file?.settings).toEqual(expect.objectContaining({ environment: stack, dnsZone: "infra.example.com", fleetFile: "fleet.yaml" }));
  });

  it("protects prd by default and not the others", () => {
    expect(stackProtects(readStackFile(ROOT, "prd").stack!.settings)).toBe(true);
    expect(stackProtects(readStackFile(ROOT, "dev").stack!.settings)).toBe(false);
  });

  it("plans the documentation addresses of the example with a warning at the list", () => {
    const { stack, issues } = readStackFile(ROOT, "prd");
    expect(stack).toBeDefined();
    expect(issues.map(formatIssue)).toContainEqual(expect.stringMatching(
      /^Pulumi\.prd\.yaml:\d+:\d+: warning: node-fleet:sshSourceCidrs: 203\.0\.113\.10\/32, 2001:db8:10::\/48 are documentation addresses \(RFC 5737 TEST-NET-3, RFC 3849\); .*`pulumi up` refuses them/));
  });

  it("refuses documentation addresses where the config deploys", () => {
    const { stack, issues } = readStackFile(ROOT, "stg", { documentationAddresses: "error" });
    expect(stack).toBeUndefined();
    expect(issues).toContainEqual(expect.objectContaining({ severity: "error",
      message: expect.stringContaining("no administrator can connect from there; set your admin sources (the whole list): pulumi config set node-fleet:sshSourceCidrs '[\"<your-cidr>\"]' -s stg") }));
  });

  it("warns that dev opens SSH and Webmin to the world", () => {
    expect(readStackFile(ROOT, "dev").issues.filter((i) => !i.message.includes("example"))).toEqual([expect.objectContaining({ severity: "warning", line: 13,
      message: "SSH (22) and Webmin (10000) of every dev node are open to the world (allowAdminFromAnywhere)" })]);
  });

  it.each(["prd", "stg", "dev"])("plans the example zone, zone id and registration URL of %s with a warning each", (name) => {
    const { stack, issues } = readStackFile(ROOT, name);
    expect(stack).toBeDefined();
    expect(issues.filter((i) => i.severity === "warning").map((i) => i.message)).toEqual(expect.arrayContaining([
      `node-fleet:dnsZone: infra.example.com is a domain reserved for documentation (RFC 2606); fine for this offline example, but \`pulumi up\` refuses it; set your own: pulumi config set node-fleet:dnsZone <your-zone> -s ${name}`,
      `node-fleet:cloudflareZoneId: 023e105f4ecef8ad9ca31a8372d0c353 is the zone id of Cloudflare's API examples; fine for this offline example, but \`pulumi up\` refuses it; set your own: pulumi config set node-fleet:cloudflareZoneId <zone-id> -s ${name}`,
      `node-fleet:registrationUrl: https://platform.example.com/api/nodes names platform.example.com, a host reserved for documentation (RFC 2606); fine for this offline example, but \`pulumi up\` refuses it; set your own: pulumi config set node-fleet:registrationUrl <https-url> -s ${name}`,
    ]));
  });

  it("refuses the example zone, zone id and registration URL where the config deploys, naming each fix", () => {
    const { stack, issues } = readStackFile(ROOT, "prd", { documentationAddresses: "error" });
    expect(stack).toBeUndefined();
    const errors = issues.filter((i) => i.severity === "error").map((i) => i.message);
    for (const [key, placeholder] of [["dnsZone", "<your-zone>"], ["cloudflareZoneId", "<zone-id>"], ["registrationUrl", "<https-url>"]]) {
      expect(errors).toContainEqual(expect.stringMatching(new RegExp(
        `^node-fleet:${key}: .*; a real deployment cannot use it; set your own: pulumi config set node-fleet:${key} ${placeholder} -s prd$`)));
    }
  });
});

describe("readStackFile: values as the Pulumi CLI stores them", () => {
  it('reads "true", the text `pulumi config set node-fleet:protect true` writes', () => {
    expect(stg('  node-fleet:protect: "true"\n').stack?.settings.protect).toBe(true);
  });

  it("reads a YAML boolean and yaml.v3's True the same way", () => {
    expect(stg("  node-fleet:protect: true\n").stack?.settings.protect).toBe(true);
    expect(stg("  node-fleet:protect: True\n").stack?.settings.protect).toBe(true);
  });

  it("refuses protect: false on a prd stack, whose nodes are always protected, and accepts it elsewhere", () => {
    expect(messages(stg("  node-fleet:protect: false\n", "prd"))).toEqual([expect.stringMatching(/^node-fleet:protect: prd nodes are always protected; remove it/)]);
    expect(stg("  node-fleet:protect: false\n").stack?.settings.protect).toBe(false);
  });

  it("refuses yes, which yaml.v3 (and so Pulumi) reads as text", () => {
    expect(messages(stg("  node-fleet:protect: yes\n"))).toEqual([
      'node-fleet:protect must be true or false, found "yes"; pulumi config set node-fleet:protect <value> -s stg']);
  });

  it("reads what `pulumi config set --path` writes: typed values in a map", () => {
    const { stack } = stg("  node-fleet:backups:\n    retentionDays: 14\n    enabled: false\n");
    expect(stack?.settings.backups).toEqual({ enabled: false, retentionDays: 14, schedule: "0 2 * * *" });
  });

  it("reads a quoted number in a map as --path stores it (object.go coerce)", () => {
    expect(stg('  node-fleet:timeouts:\n    sshWait: "600"\n').stack?.settings.timeouts.sshWait).toBe(600);
  });

  it("reads a list set as JSON text (`pulumi config set node-fleet:sshSourceCidrs '[…]'`)", () => {
    expect(stg(`  node-fleet:sshSourceCidrs: '["10.9.0.0/16"]'\n`).stack?.settings.sshSourceCidrs).toEqual(["10.9.0.0/16"]);
  });

  it("reads the older namespace:config:name form of a key", () => {
    expect(stg("  node-fleet:config:protect: true\n").stack?.settings.protect).toBe(true);
  });

  it("refuses a key without a namespace, as Pulumi's ParseKey does", () => {
    expect(messages(stg("  protect: true\n"))).toEqual([
      '"protect" is not a config key; Pulumi expects namespace:name, e.g. node-fleet:protect']);
  });

  it("refuses the same key written in both forms", () => {
    expect(messages(stg("  node-fleet:protect: true\n  node-fleet:config:protect: false\n"))).toEqual([
      '"node-fleet:config:protect" is the same key as "node-fleet:protect" (Pulumi drops the "config:" part); keep one']);
  });

  it("notes secrets that are set without reading them", () => {
    expect(stg("  hcloud:token:\n    secure: v1:AAAA\n").stack?.secretsSet).toEqual(["hcloud:token"]);
  });
});

describe("readStackFile: messages", () => {
  it("says an exclusive bound as one (not 'at least 0, found 0')", () => {
    const run = stg("  node-fleet:timeouts:\n    serverCreate: 0\n");
    expect(run.issues).toEqual([expect.objectContaining({ line: 9, col: 19,
      message: "node-fleet:timeouts.serverCreate must be greater than 0, found 0; pulumi config set --path node-fleet:timeouts.serverCreate <value> -s stg" })]);
  });

  it("lists the fields of the map an unknown nested key is in", () => {
    expect(stg("  node-fleet:backups:\n    retentionDay: 3\n").issues).toEqual([expect.objectContaining({ line: 9, col: 5,
      message: 'unknown field "retentionDay" in node-fleet:backups; did you mean "retentionDays"?; allowed: enabled, retentionDays, schedule; ' +
        "remove it: pulumi config rm --path node-fleet:backups.retentionDay -s stg" })]);
  });

  it("calls an empty list empty", () => {
    expect(messages(stg("  node-fleet:sshSourceCidrs: []\n"))).toEqual([
      "node-fleet:sshSourceCidrs must have at least 1 item, found an empty list; pulumi config set node-fleet:sshSourceCidrs <value> -s stg"]);
  });

  it("names an unknown top-level key with a suggestion", () => {
    expect(stg("  node-fleet:dnsZon: a.example.com\n").issues).toEqual([expect.objectContaining({ line: 8, col: 3,
      message: expect.stringMatching(/^unknown config key "node-fleet:dnsZon"; did you mean "dnsZone"\?; allowed: environment, .*; remove it: pulumi config rm node-fleet:dnsZon -s stg$/) })]);
  });

  it("says a path set without --path was stored as one key", () => {
    expect(messages(stg('  node-fleet:timeouts.sshWait: "600"\n'))).toEqual([
      '"node-fleet:timeouts.sshWait" was stored as one key, not as a path into node-fleet:timeouts; set it again with --path: ' +
      "pulumi config rm node-fleet:timeouts.sshWait -s stg && pulumi config set --path node-fleet:timeouts.sshWait <value> -s stg"]);
  });

  it("says a secret set in plain text is a secret, not an unknown key", () => {
    expect(stg("  node-fleet:registrationToken: abc123\n").issues).toEqual([expect.objectContaining({ line: 8, col: 3,
      message: "node-fleet:registrationToken is a secret stored in plain text; encrypt it: pulumi config set --secret node-fleet:registrationToken <value> -s stg" })]);
  });

  it.each(["hcloud:token", "cloudflare:apiToken", "node-fleet:adminPassword", "aws:secretKey"])("refuses %s in plain text", (key) => {
    expect(messages(stg(`  ${key}: abc123\n`))).toEqual([expect.stringContaining(`pulumi config set --secret ${key} <value> -s stg`)]);
  });

  it("refuses a setting stored encrypted, which no reviewer can read", () => {
    expect(messages(stg("  node-fleet:dnsZone:\n    secure: v1:AAAA\n"))).toEqual([expect.stringContaining(
      "node-fleet:dnsZone is stored encrypted, but it is a setting reviewers and `fleet plan` must read")]);
  });

  it("does not suggest a stack name that is not an environment", () => {
    const run = readStackFile(ROOT, "qa");
    expect(messages(run)).toEqual(['stack "qa" is not one of prd, stg, dev or a shard of one (prd-fsn1-a, prd-b): ' +
      "each stack deploys the nodes of the environment it is named after"]);
    expect(messages(run).join()).not.toContain("pulumi stack init qa");
  });

  it("rejects an environment that is not the stack name", () => {
    expect(stg("  node-fleet:environment: prd\n").issues).toEqual([expect.objectContaining({ line: 7, col: 27,
      message: 'node-fleet:environment is "prd" but the stack is "stg"; a stack deploys its own environment: pulumi config set node-fleet:environment stg -s stg' })]);
  });

  it.each(["infra.example.net", "example.org", "nodes.test", "zone.example"])("names the documentation domain %s as an example DNS zone", (zone) => {
    expect(messages(stg(`  node-fleet:dnsZone: ${zone}\n`))).toContainEqual(
      expect.stringMatching(new RegExp(`^node-fleet:dnsZone: ${zone.replace(/\./g, "\\.")} is a domain reserved for documentation \\(RFC 2606\\)`)));
  });

  it("takes a zone that only resembles an example name as a real one", () => {
    expect(messages(stg("  node-fleet:dnsZone: example.com.hosting-co.net\n"))).toEqual([]);
  });

  it("requires a registration URL while auto-registration is on", () => {
    expect(messages(stg("  node-fleet:features: {autoRegistration: true}\n"))).toEqual([
      expect.stringContaining("registrationUrl is required while features.autoRegistration is on")]);
  });
});

describe("readStackFile: admin sources", () => {
  it("requires them for prd and stg, naming the command that sets them", () => {
    const missing = readStackFileWithout("prd", "node-fleet:sshSourceCidrs");
    expect(missing).toEqual([
      "node-fleet:sshSourceCidrs is required: the admin addresses allowed to reach SSH (22); pulumi config set node-fleet:sshSourceCidrs <value> -s prd"]);
  });

  it("refuses the world on stg", () => {
    expect(messages(stg('  node-fleet:panelSourceCidrs: ["0.0.0.0/0"]\n'))).toEqual([
      'node-fleet:panelSourceCidrs[0]: "0.0.0.0/0" opens Webmin (10000) to the world; stg accepts admin sources only; ' +
      "pulumi config set --path 'node-fleet:panelSourceCidrs[0]' <value> -s stg"]);
  });

  it("refuses the world split in halves on stg, where each half is also wider than /16", () => {
    expect(messages(stg('  node-fleet:sshSourceCidrs: ["0.0.0.0/1", "128.0.0.0/1"]\n'))).toEqual([
      'node-fleet:sshSourceCidrs[0]: "0.0.0.0/1" is wider than /16: stg accepts for SSH (22) only IPv4 blocks of /16 or narrower and IPv6 blocks of /32 or narrower; ' +
      "pulumi config set --path 'node-fleet:sshSourceCidrs[0]' <value> -s stg",
      'node-fleet:sshSourceCidrs[1]: "128.0.0.0/1" is wider than /16: stg accepts for SSH (22) only IPv4 blocks of /16 or narrower and IPv6 blocks of /32 or narrower; ' +
      "pulumi config set --path 'node-fleet:sshSourceCidrs[1]' <value> -s stg"]);
  });

  it("refuses 0::/0, the world written another way", () => {
    expect(messages(stg('  node-fleet:sshSourceCidrs: ["10.20.0.0/16", "0::/0"]\n', "prd"))).toEqual([expect.stringContaining(
      'node-fleet:sshSourceCidrs[1]: "0::/0" opens SSH (22) to the world; prd accepts admin sources only')]);
  });

  it("refuses an IPv6 admin block wider than /32 in prd and accepts a /32", () => {
    expect(messages(stg('  node-fleet:panelSourceCidrs: ["2001:db8::/31"]\n', "prd"))).toEqual([expect.stringContaining(
      'node-fleet:panelSourceCidrs[0]: "2001:db8::/31" is wider than /32')]);
    expect(messages(stg('  node-fleet:panelSourceCidrs: ["2a01:4f8::/32"]\n', "prd"))).toEqual([]);
  });

  it("checks the platform's sources like the admin sources", () => {
    expect(messages(stg('  node-fleet:platformSourceCidrs: ["10.0.0.0/8"]\n'))).toEqual([expect.stringContaining(
      'node-fleet:platformSourceCidrs[0]: "10.0.0.0/8" is wider than /16: stg accepts for the panel API on Webmin (10000) only')]);
  });

  it("refuses on dev, without allowAdminFromAnywhere, a set that covers every IPv6 address", () => {
    expect(messages(stg('  node-fleet:sshSourceCidrs: ["1::/16", "2::/16", "::/1", "8000::/1"]\n', "dev"))).toEqual([
      // ::/1 holds the IPv4-mapped range, so it is every IPv4 address already.
      'node-fleet:sshSourceCidrs[2]: "::/1" opens SSH (22) to the world (it holds 0.0.0.0/0 as IPv4 addresses embedded in IPv6); ' +
      "on dev that needs allowAdminFromAnywhere: true; pulumi config set --path 'node-fleet:sshSourceCidrs[2]' <value> -s dev"]);
  });

  it("refuses ::ffff:0:0/96, every IPv4 address written as IPv4-mapped IPv6, in the platform's sources on prd", () => {
    expect(messages(stg('  node-fleet:platformSourceCidrs: ["::ffff:0:0/96"]\n', "prd"))).toEqual([expect.stringContaining(
      'node-fleet:platformSourceCidrs[0]: "::ffff:0:0/96" opens the panel API on Webmin (10000) to the world (it holds 0.0.0.0/0 as IPv4 addresses embedded in IPv6)')]);
  });

  it("refuses half of IPv4 written as IPv4-mapped IPv6 (::ffff:128.0.0.0/97, an IPv6 /97) on stg", () => {
    expect(messages(stg('  node-fleet:sshSourceCidrs: ["10.20.0.0/16", "::ffff:128.0.0.0/97"]\n'))).toEqual([expect.stringContaining(
      'node-fleet:sshSourceCidrs[1]: "::ffff:128.0.0.0/97" is wider than /16 (it holds 128.0.0.0/1 as IPv4 addresses embedded in IPv6)')]);
  });

  it("refuses allowAdminFromAnywhere outside dev", () => {
    expect(messages(stg("  node-fleet:allowAdminFromAnywhere: true\n"))).toEqual([expect.stringContaining(
      "node-fleet:allowAdminFromAnywhere: only dev may open SSH and Webmin to the world")]);
  });

  it("lets dev open them to the world only by saying so", () => {
    expect(readStackFileWithout("dev", "node-fleet:sshSourceCidrs")).toEqual([
      "node-fleet:sshSourceCidrs is required: the admin addresses allowed to reach SSH (22), or allowAdminFromAnywhere: true to open it to the world on dev; " +
      "pulumi config set node-fleet:sshSourceCidrs <value> -s dev"]);
    const open = stg('  node-fleet:sshSourceCidrs: ["0.0.0.0/0", "::/0"]\n  node-fleet:allowAdminFromAnywhere: "true"\n', "dev");
    expect(open.stack?.settings.sshSourceCidrs).toEqual(["0.0.0.0/0", "::/0"]);
    expect(open.issues.map((i) => i.severity)).toEqual(["warning"]);
  });

  it("refuses a CIDR with host bits set, offering the network and the address", () => {
    expect(stg('  node-fleet:sshSourceCidrs: ["10.20.0.0/16", "10.1.2.3/24"]\n').issues).toEqual([expect.objectContaining({ line: 7, col: 47,
      message: 'node-fleet:sshSourceCidrs[1]: "10.1.2.3/24" has host bits set; did you mean the network 10.1.2.0/24 or the one address 10.1.2.3/32?; ' +
        "pulumi config set --path 'node-fleet:sshSourceCidrs[1]' <value> -s stg" })]);
    expect(messages(stg('  node-fleet:panelSourceCidrs: ["fd00:10::1/48"]\n'))).toEqual([expect.stringContaining(
      "did you mean the network fd00:10::/48 or the one address fd00:10::1/128?")]);
  });

  it("rejects text that is not a CIDR", () => {
    expect(messages(stg('  node-fleet:sshSourceCidrs: ["10.0.0.0/33"]\n'))).toEqual([expect.stringContaining(
      'node-fleet:sshSourceCidrs[0]: "10.0.0.0/33" is not a CIDR')]);
  });
});

describe("readStackFile: masterSshPublicKey", () => {
  const ed25519 = (comment: string) => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64")}${comment ? ` ${comment}` : ""}`;
  };
  const key = (line: string) => stg(`  node-fleet:masterSshPublicKey: ${JSON.stringify(line)}\n`);

  it("accepts an ed25519 key with a plain comment", () => {
    const line = ed25519("ops@example.com");
    expect(key(line).stack?.settings.masterSshPublicKey).toBe(line);
  });

  it.each([
    ["a template in the comment", ed25519("{{ lookup('pipe', 'id') }}"), "the comment may hold only"],
    ["a Jinja statement in the comment", ed25519("{% raw %}"), "the comment may hold only"],
    ["a newline in the comment", `${ed25519("ops")}\nssh-ed25519 AAAA`, "the comment may hold only"],
    ["a body of another key type", ed25519("ops").replace("ssh-ed25519", "ecdsa-sha2-nistp256"), "the key body is not a ecdsa-sha2-nistp256 key"],
    ["a body that is not base64", "ssh-ed25519 not*base64 ops", "the key body is not base64"],
    ["an unknown type", "ssh-dss AAAAB3NzaC1kc3M= ops", 'key type "ssh-dss" is not accepted'],
  ])("refuses %s", (_what, line, reason) => {
    expect(messages(key(line))).toEqual([expect.stringContaining(`node-fleet:masterSshPublicKey is not an OpenSSH public key line (TYPE BASE64 COMMENT): ${reason}`)]);
  });

  it("refuses a control character as every value of a node-fleet file is refused one", () => {
    expect(messages(key(ed25519("ops\u0007")))).toEqual([expect.stringContaining("holds control character U+0007; remove it")]);
  });
});

/** Issues of a stack file that lacks `key` (the base file minus one line). */
function readStackFileWithout(stack: string, key: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "stack-"));
  dirs.push(dir);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), [
    "config:", `  node-fleet:environment: ${stack}`, "  node-fleet:dnsZone: infra.example.com",
    "  node-fleet:cloudflareZoneId: 023e105f4ecef8ad9ca31a8372d0c353", '  node-fleet:sshSourceCidrs: ["10.20.0.0/16"]',
    '  node-fleet:panelSourceCidrs: ["10.20.0.0/16"]', "  node-fleet:features: {autoRegistration: false}", "",
  ].filter((l) => !l.startsWith(`  ${key}:`)).join("\n"));
  return messages(readStackFile(dir, stack));
}

describe("off-node backups in the stack file", () => {
  it("reads the object store and fills in the retention, check schedule and age limit", () => {
    const { stack, issues } = stg("  node-fleet:offsiteBackups:\n    endpoint: https://fsn1.your-objectstorage.com\n    bucket: acme-node-backups\n" +
      "    accessKeyId: AKIAEXAMPLE\n  node-fleet:offsiteBackupSecretKey:\n    secure: v1:abc\n");
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(stack?.settings.offsiteBackups).toEqual({
      endpoint: "https://fsn1.your-objectstorage.com", bucket: "acme-node-backups", region: "us-east-1", accessKeyId: "AKIAEXAMPLE",
      keep: { daily: 7, weekly: 4, monthly: 6 }, checkSchedule: "30 4 * * 0", maxAgeHours: 26,
    });
  });

  it("refuses an endpoint with a path or credentials in it", () => {
    const withPath = stg("  node-fleet:offsiteBackups:\n    endpoint: https://s3.example.com/bucket\n    bucket: b-1\n    accessKeyId: AKIA1\n");
    expect(messages(withPath).join("\n")).toContain('"https://s3.example.com/bucket" must be the endpoint alone (no path): the bucket is a setting of its own');
    const withUser = stg("  node-fleet:offsiteBackups:\n    endpoint: https://key:secret@s3.example.com\n    bucket: b-1\n    accessKeyId: AKIA1\n");
    expect(messages(withUser).join("\n")).toContain("must not carry credentials; set accessKeyId and the secret offsiteBackupSecretKey");
  });

  it("refuses the object store's secret key stored in plain text", () => {
    expect(messages(stg("  node-fleet:offsiteBackupSecretKey: s3cr3t\n"))).toContain(
      "node-fleet:offsiteBackupSecretKey is a secret stored in plain text; encrypt it: pulumi config set --secret node-fleet:offsiteBackupSecretKey <value> -s stg");
  });
});

describe("readStackFile: settings the offline plan would not see", () => {
  it("refuses a key whose namespace is a typo of node-fleet, which the stack would silently not apply", () => {
    const result = stg("  node-flet:protect: true\n");
    expect(result.stack).toBeUndefined();
    expect(result.issues).toEqual([expect.objectContaining({ line: 8, col: 3, severity: "error",
      message: '"node-flet:protect" is in namespace "node-flet", not node-fleet: the stack reads only node-fleet: keys, so this setting would silently not apply; ' +
        "rename it: pulumi config rm node-flet:protect -s stg && pulumi config set node-fleet:protect <value> -s stg" })]);
  });

  it("refuses a namespace that differs from node-fleet only in case", () => {
    expect(messages(stg("  Node-Fleet:protect: true\n"))).toEqual([expect.stringContaining('"Node-Fleet:protect" is in namespace "Node-Fleet", not node-fleet')]);
  });

  it("leaves other providers' namespaces alone", () => {
    const result = stg("  hcloud:token:\n    secure: v1:abc\n");
    expect(result.stack).toBeDefined();
    expect(result.issues).toEqual([]);
  });

  it("warns that an ESC environment import can change node-fleet settings that plan and diff cannot see", () => {
    const result = stg("environment:\n  - fleet/stg\n");
    expect(result.stack).toBeDefined();
    expect(result.issues).toEqual([expect.objectContaining({ line: 8, col: 1, severity: "warning", code: "stack-environment",
      message: expect.stringContaining("environment: imports Pulumi ESC environments, whose pulumiConfig can set or change any node-fleet: key at deploy time") })]);
  });
});
