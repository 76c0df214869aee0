import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet } from "./run";

/** The Pulumi SDK modules this process has loaded: Node's CommonJS cache, which an ESM
 *  import of the SDK (a CommonJS package) fills too. */
const pulumiLoaded = () => Object.keys(createRequire(__filename).cache).filter((path) => path.includes(`${join("node_modules", "@pulumi")}`));

/** A command that never runs an operation starts without the Pulumi SDK (about a
 *  second of loading): each command that uses the Automation API imports it when it runs.
 *  Its own process (vitest.quick.mts OWN_PROCESS), so no other file has loaded it. */
/** The schema and YAML libraries this process has loaded (about 0.15 s of CPU together). */
const parsersLoaded = () => Object.keys(createRequire(__filename).cache)
  .filter((path) => path.includes(join("node_modules", "zod")) || path.includes(join("node_modules", "yaml")));

describe("starting fleet", () => {
  // First in the file: every later test runs a command that reads YAML.
  it("loads neither zod nor yaml for `fleet --help` and `fleet plan --help`", async () => {
    expect((await fleet("--help")).code).toBe(0);
    expect((await fleet("plan", "--help")).code).toBe(0);
    expect(parsersLoaded()).toEqual([]);
  });

  it("loads no Pulumi SDK module for `fleet --help` and `fleet validate`", async () => {
    expect((await fleet("--help")).code).toBe(0);
    expect((await fleet("validate", join(__dirname, "../../fleet.yaml"))).code).toBe(0);
    expect(pulumiLoaded()).toEqual([]);
  });

  it("loads it once a command that runs an operation starts (the check above can see it)", async () => {
    await fleet("restore", "dev-sha-het-de-fsn1-001", "--stack", "dev", "--project", "/nonexistent");
    expect(pulumiLoaded().length).toBeGreaterThan(0);
  });
});
