import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cloudInit } from "../../src/components/cloud-init";

describe("the node's cloud-init user data", () => {
  it("passes Debian's `cloud-init schema`", () => {
    const key = mkdtempSync(join(tmpdir(), "cloud-init-"));
    try {
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(key, "host")]);
      const text = cloudInit({
        hostname: "prd-sha-het-de-fsn1-001", fqdn: "prd-sha-het-de-fsn1-001.infra.example.com",
        hostPrivateKey: spawnSync("cat", [join(key, "host")], { encoding: "utf8" }).stdout,
        hostPublicKey: spawnSync("cat", [join(key, "host.pub")], { encoding: "utf8" }).stdout,
      });
      writeFileSync(join(key, "user-data"), text);
      const run = spawnSync("cloud-init", ["schema", "--config-file", join(key, "user-data")], { encoding: "utf8" });
      expect(run.stdout + run.stderr).toContain("Valid cloud-config");
      expect(run.status).toBe(0);
    } finally {
      rmSync(key, { recursive: true, force: true });
    }
  });
});
