import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeOf } from "../../src/cli/format";
import { fleet } from "./run";

const ROOT = join(__dirname, "../..");
const FLEET_BIN = join(ROOT, "bin/fleet");
const VERSION = (require(join(ROOT, "package.json")) as { version: string }).version;

/** A shell line around the built CLI (pipes and redirections as a user writes them). */
function sh(line: string) {
  const run = spawnSync("bash", ["-c", line], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FLEET: FLEET_BIN } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
/** Pids of live processes whose environment holds `entry` (our workers inherit TMPDIR). */
function processesWithEnv(entry: string): string[] {
  return readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry);
    } catch {
      return false;
    }
  });
}
const noTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at |node:internal|Error: /m);

describe("exit codes of the command line", () => {
  it("exits 2 with usage on stderr when no command is given", () => {
    const run = sh('"$FLEET"');
    expect([run.code, run.stdout]).toEqual([EXIT.usage, ""]);
    expect(run.stderr).toContain("Usage: fleet [options] [command]");
  });

  it("exits 2 for help on a command that does not exist", async () => {
    expect(await fleet("help", "bogus")).toEqual({ code: EXIT.usage, stdout: "",
      stderr: "fleet help: unknown command 'bogus'; commands: validate, next-name, add, catalog, plan, preview, up, refresh, destroy, drift, rebuild, reprovision, outputs, history, health, restore, rollout, dashboard, diff" });
  });

  it("exits 0 for help on a command that exists, and for --help", async () => {
    expect((await fleet("help", "plan")).code).toBe(EXIT.ok);
    expect((await fleet("--help")).code).toBe(EXIT.ok);
  });

  it("prints the package version for --version", () => {
    expect(sh('"$FLEET" --version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("exits 2 for an unknown option", async () => {
    expect((await fleet("validate", "--bogus")).code).toBe(EXIT.usage);
  });
});

describe("streams", () => {
  it("ends quietly with the command's own code when the reader goes away (| true)", () => {
    const run = sh('"$FLEET" catalog | true; echo "status=${PIPESTATUS[0]}"');
    expect(run.stdout).toBe("status=0\n");
    expect(run.stderr).toBe("");
  });

  it("keeps the exit code of a failed command whose reader went away", () => {
    const run = sh('"$FLEET" validate test/fixtures/fleet/number-zero.yaml --format json | true; echo "status=${PIPESTATUS[0]}"');
    expect(run.stdout).toBe("status=1\n");
    noTrace(run.stderr);
  });

  it("says in one line that the disk is full, and exits 74", () => {
    const run = sh('"$FLEET" catalog > /dev/full');
    expect(run).toEqual({ code: EXIT.ioError, stdout: "", stderr: "fleet: cannot write the output: no space left on the device\n" });
  });

  it("reports a bug in one line with exit 70, the trace only with FLEET_DEBUG", () => {
    const dir = mkdtempSync(join(tmpdir(), "runner-"));
    writeFileSync(join(dir, "broken.js"), 'exports.main = async () => { throw new TypeError("x is not a function"); };');
    const runner = `require(${JSON.stringify(join(ROOT, "bin/run-built.js"))})("fleet", ${JSON.stringify(join(dir, "broken.js"))})`;
    const quiet = spawnSync(process.execPath, ["-e", runner], { encoding: "utf8" });
    expect([quiet.status, quiet.stderr]).toEqual([EXIT.internal,
      "fleet: internal error: x is not a function (a bug in node-fleet; run with FLEET_DEBUG=1 for the stack trace)\n"]);
    const debug = spawnSync(process.execPath, ["-e", runner], { encoding: "utf8", env: { ...process.env, FLEET_DEBUG: "1" } });
    expect(debug.stderr).toMatch(/TypeError: x is not a function\n\s+at /);
  });
});

describe("interrupting a plan", () => {
  it("exits 130 and leaves no worker and no batch file behind", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "interrupt-"));
    const project = mkdtempSync(join(tmpdir(), "interrupt-project-"));
    cpSync(join(ROOT, "Pulumi.prd.yaml"), join(project, "Pulumi.prd.yaml"));
    writeFileSync(join(project, "fleet.yaml"), `nodes:\n${Array.from({ length: 400 }, (_, i) =>
      `  prd-sha-het-de-fsn1-${String(i + 1).padStart(3, "0")}: { size: cpx22, image: debian-12 }`).join("\n")}\n`);
    const child = spawn(FLEET_BIN, ["plan", "--project", project, "--json"], { env: { ...process.env, TMPDIR: tmp }, stdio: "ignore" });
    while (readdirSync(tmp).length === 0) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    child.kill("SIGINT");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(EXIT.interrupted);
    expect(readdirSync(tmp)).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesWithEnv(`TMPDIR=${tmp}`)).toEqual([]);
  }, 120_000);
});

describe("exitCodeOf: distinct codes for what later commands meet", () => {
  it("gives 127 for a tool that is not installed (spawn ENOENT, e.g. the Pulumi CLI)", () => {
    const run = spawnSync("pulumi-not-installed-here", ["version"]);
    expect(exitCodeOf(run.error)).toBe(EXIT.toolMissing);
  });

  it("gives 69 for a service that cannot be reached (connection refused on loopback)", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, "close");
    const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.serviceUnreachable);
  });

  it("keeps a code the thrower chose, and calls anything else a bug", () => {
    expect(exitCodeOf(Object.assign(new Error("no"), { exitCode: EXIT.invalidInput }))).toBe(EXIT.invalidInput);
    expect(exitCodeOf(new TypeError("x is not a function"))).toBe(EXIT.internal);
  });

  it("turns an error with a known cause into its code in the command line", async () => {
    const run = await fleet("validate", "/proc/self/mem");
    expect(run.code).toBe(EXIT.invalidInput);
  });
});

describe("next-name", () => {
  it("exits 1 when the region is full (the fleet is the cause), 2 for a region that does not exist", async () => {
    const dir = mkdtempSync(join(tmpdir(), "full-"));
    cpSync(join(ROOT, "Pulumi.dev.yaml"), join(dir, "Pulumi.dev.yaml"));
    writeFileSync(join(dir, "fleet.yaml"), "nodes:\n  dev-sha-het-de-fsn1-999: { size: cpx22, image: debian-12 }\n");
    const full = await fleet("next-name", "--env", "dev", "--region", "fsn1", "--fleet", join(dir, "fleet.yaml"));
    expect([full.code, full.stderr]).toEqual([EXIT.invalidInput, expect.stringContaining("no number left for dev-sha-het-de-fsn1")]);
    expect((await fleet("next-name", "--env", "dev", "--region", "xyz9", "--fleet", join(dir, "fleet.yaml"))).code).toBe(EXIT.usage);
  });
});
