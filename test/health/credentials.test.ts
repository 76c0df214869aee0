import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withCredentials } from "../../src/health/credentials";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "fleet-credentials-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the health watcher's systemd credentials", () => {
  it("become the variables they are named after, without the file's final newline", () => {
    writeFileSync(join(dir, "fleet_HCLOUD_TOKEN"), "hcloud-secret\n");
    writeFileSync(join(dir, "fleet_FLEET_NOTIFY_TELEGRAM_TOKEN"), "123:abc");
    const env = withCredentials({ CREDENTIALS_DIRECTORY: dir, PATH: "/usr/bin" });
    expect(env).toEqual({ CREDENTIALS_DIRECTORY: dir, PATH: "/usr/bin", HCLOUD_TOKEN: "hcloud-secret", FLEET_NOTIFY_TELEGRAM_TOKEN: "123:abc" });
  });

  it("hand the state passphrase to the Pulumi CLI as a file, never as a variable", () => {
    writeFileSync(join(dir, "fleet_PULUMI_CONFIG_PASSPHRASE"), "passphrase\n");
    const env = withCredentials({ CREDENTIALS_DIRECTORY: dir, PULUMI_CONFIG_PASSPHRASE: "from-the-environment" });
    expect(env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
    expect(env.PULUMI_CONFIG_PASSPHRASE_FILE).toBe(join(dir, "fleet_PULUMI_CONFIG_PASSPHRASE"));
  });

  it("ignore files not loaded by the unit's fleet: credential and names that are no variable names", () => {
    writeFileSync(join(dir, "other_HCLOUD_TOKEN"), "x");
    writeFileSync(join(dir, "fleet_lower-case"), "x");
    mkdirSync(join(dir, "fleet_DIR"));
    expect(withCredentials({ CREDENTIALS_DIRECTORY: dir })).toEqual({ CREDENTIALS_DIRECTORY: dir });
  });

  it("leave the environment of a run from a shell as it is", () => {
    const env = { HCLOUD_TOKEN: "from-shell" };
    expect(withCredentials(env)).toBe(env);
  });
});
