import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readStackFile } from "../../src/stack/stack-file";
import { stackProtects } from "../../src/stack/settings";

const ROOT = join(__dirname, "../..");
const dirs: string[] = [];
function stackDir(stack: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "stack-"));
  dirs.push(dir);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), edit(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")));
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("readStackFile", () => {
  it.each(["prd", "stg", "dev"])("reads the committed Pulumi.%s.yaml", (stack) => {
    const { stack: file, issues } = readStackFile(ROOT, stack);
    expect(issues).toEqual([]);
    expect(file?.settings).toEqual(expect.objectContaining({ environment: stack, dnsZone: "infra.example.com", fleetFile: "fleet.yaml" }));
  });

  it("protects prd by default and not the others", () => {
    expect(stackProtects(readStackFile(ROOT, "prd").stack!.settings)).toBe(true);
    expect(stackProtects(readStackFile(ROOT, "dev").stack!.settings)).toBe(false);
  });

  it("rejects an environment that is not the stack name", () => {
    const dir = stackDir("stg", (t) => t.replace("node-fleet:environment: stg", "node-fleet:environment: prd"));
    expect(readStackFile(dir, "stg").issues).toEqual([expect.objectContaining({
      line: 7, message: 'environment "prd" must equal the stack name "stg"',
    })]);
  });

  it("rejects a malformed CIDR at its list item", () => {
    const dir = stackDir("dev", (t) => t.replace('node-fleet:sshSourceCidrs: ["0.0.0.0/0", "::/0"]', 'node-fleet:sshSourceCidrs: ["0.0.0.0/0", "10.0.0.0/33"]'));
    expect(readStackFile(dir, "dev").issues).toEqual([expect.objectContaining({
      line: 12, col: 44, message: 'node-fleet:sshSourceCidrs.1: "10.0.0.0/33" is not a CIDR; expected e.g. 203.0.113.7/32 or 2001:db8::/48',
    })]);
  });

  it("rejects an unknown key with a suggestion", () => {
    const dir = stackDir("dev", (t) => t.replace("node-fleet:dnsZone:", "node-fleet:dnsZon:"));
    expect(readStackFile(dir, "dev").issues).toContainEqual(expect.objectContaining({
      line: 9, col: 3, message: expect.stringContaining('unknown config key "node-fleet:dnsZon"; did you mean "dnsZone"?'),
    }));
  });

  it("requires a registration URL while auto-registration is on", () => {
    const dir = stackDir("dev", (t) => t.replace(/^  node-fleet:registrationUrl: .*\n/m, ""));
    expect(readStackFile(dir, "dev").issues).toEqual([expect.objectContaining({
      message: expect.stringContaining("registrationUrl is required while features.autoRegistration is on"),
    })]);
  });

  it("notes secrets that are set without reading them", () => {
    const dir = stackDir("dev", (t) => `${t}  hcloud:token:\n    secure: v1:AAAA\n`);
    expect(readStackFile(dir, "dev").stack?.secretsSet).toEqual(["hcloud:token"]);
  });

  it("says how to create a missing stack file", () => {
    expect(readStackFile(ROOT, "qa").issues).toEqual([expect.objectContaining({ message: expect.stringContaining("pulumi stack init qa") })]);
  });
});
