import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const UNIT = join(__dirname, "../../deploy/fleet-health.service");

describe("the systemd unit", () => {
  it("passes systemd-analyze verify", () => {
    const run = spawnSync("systemd-analyze", ["verify", UNIT], { encoding: "utf8" });
    expect(run.stderr.trim()).toBe("");
    expect(run.status).toBe(0);
  });

  it("runs the watcher with its state in the unit's state directory, stopped by SIGTERM", () => {
    const text = readFileSync(UNIT, "utf8");
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/node-fleet\/bin\/fleet health --watch \$FLEET_HEALTH_ARGS$/m);
    expect(text).toMatch(/^StateDirectory=node-fleet-health$/m);
    expect(text).toMatch(/^KillSignal=SIGTERM$/m);
    expect(text).toMatch(/^EnvironmentFile=\/etc\/node-fleet\/health\.env$/m);
  });

  it("lets recovery's `pulumi up` write the Pulumi state and the CLI's home under a read-only system", () => {
    const text = readFileSync(UNIT, "utf8");
    expect(text).toMatch(/^ProtectSystem=strict$/m);
    expect(text).toMatch(/^ReadWritePaths=-\/var\/lib\/node-fleet\/pulumi-state$/m);
    expect(text).toMatch(/^Environment=PULUMI_HOME=%S\/node-fleet-health\/pulumi-home$/m);
  });

  it("scores 2.5 or less in systemd-analyze security, metadata service denied", () => {
    const run = spawnSync("systemd-analyze", ["security", "--offline=true", UNIT], { encoding: "utf8" });
    const score = /Overall exposure level for fleet-health\.service: ([\d.]+)/.exec(run.stdout);
    expect(score, run.stdout + run.stderr).not.toBeNull();
    expect(Number(score![1])).toBeLessThanOrEqual(2.5);
    expect(readFileSync(UNIT, "utf8")).toMatch(/^IPAddressDeny=169\.254\.169\.254\/32$/m);
  });

  it("takes its secrets as credentials from /etc/node-fleet/credentials, none through the environment", () => {
    const text = readFileSync(UNIT, "utf8");
    expect(text).toMatch(/^LoadCredential=fleet:\/etc\/node-fleet\/credentials$/m);
    const settings = text.split("\n").filter((line) => /^Environment=/.test(line));
    expect(settings.join("\n")).not.toMatch(/TOKEN|PASSPHRASE|WEBHOOK|SECRET/);
  });
});
