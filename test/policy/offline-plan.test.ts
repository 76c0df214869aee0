import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");

/** `fleet plan` on a prd stack whose SSH sources are `sources`. */
function plan(sources: string) {
  const dir = mkdtempSync(join(tmpdir(), "policy-plan-"));
  writeFileSync(join(dir, "Pulumi.prd.yaml"), readFileSync(join(ROOT, "Pulumi.prd.yaml"), "utf8")
    .replace('node-fleet:sshSourceCidrs: ["203.0.113.10/32", "2001:db8:10::/48"]', `node-fleet:sshSourceCidrs: ${sources}`));
  cpSync(join(ROOT, "fleet.yaml"), join(dir, "fleet.yaml"));
  const run = spawnSync(join(ROOT, "bin/fleet"), ["plan", "--stack", "prd", "--project", dir], { encoding: "utf8" });
  return { code: run.status, stderr: run.stderr };
}

describe("fleet plan runs the policy pack's rules offline", () => {
  it("exits 0 for the repository's prd stack", () => {
    expect(plan('["203.0.113.10/32"]').code).toBe(0);
  });

  it("exits 1 and names every firewall that opens SSH to the world", () => {
    const run = plan('["0.0.0.0/0", "::/0"]');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("policy admin-ports-not-world-open: prd-sha-het-de-fsn1-001-fw: prd firewall prd-sha-het-de-fsn1-001-fw opens port 22 to 0.0.0.0/0, ::/0; allow only the admin networks");
    expect(run.stderr.match(/^policy admin-ports-not-world-open:/gm)).toHaveLength(3);
  });
});
