import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/format";

const ROOT = join(__dirname, "../..");
const FLEET = "nodes:\n  prd-sha-het-de-fsn1-001: { size: cpx22, image: debian-12 }\n";
const ADD = ["add", "--env", "prd", "--region", "fsn1", "--size", "cpx22"];
const scratch = mkdtempSync(join(tmpdir(), "fleet-add-faults-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("fleet add on a full disk", () => {
  // A 64 KiB tmpfs in a mount namespace of its own, filled up before the add runs.
  const script = [
    "set -e", 'mount -t tmpfs -o size=64k tmpfs "$DIR"', `printf '${FLEET.replace(/\n/g, "\\n")}' > "$DIR/fleet.yaml"`,
    `cp '${join(ROOT, "Pulumi.prd.yaml")}' "$DIR/"`, 'dd if=/dev/zero of="$DIR/fill" bs=4k 2>/dev/null || true',
    `set +e; node '${join(ROOT, "bin/fleet")}' ${ADD.join(" ")} --fleet "$DIR/fleet.yaml"; echo "exit=$?"`,
    'ls -A "$DIR" | tr "\\n" " "; echo', 'cat "$DIR/fleet.yaml"',
  ].join("\n");
  const run = spawnSync("unshare", ["--mount", "sh", "-c", script], { encoding: "utf8", env: { ...process.env, DIR: scratch } });
  const [exitLine, listing, ...fleetText] = run.stdout.split("\n");

  it("exits 74 (an I/O failure), saying nothing was written", () => {
    expect(exitLine).toBe(`exit=${EXIT.ioError}`);
    expect(run.stderr).toMatch(/^fleet add: cannot write .*fleet\.yaml: .*ENOSPC.* \(nothing was written\)$/m);
  });

  it("leaves no lock file and no temporary file, and the fleet file as it was", () => {
    expect(listing!.trim().split(" ").sort()).toEqual(["Pulumi.prd.yaml", "fill", "fleet.yaml"]);
    expect(`${fleetText.join("\n")}`).toBe(FLEET);
  });
});

describe("Ctrl-C while fleet add waits for another writer's lock", () => {
  it("ends the command at once, with nothing written", async () => {
    const dir = mkdtempSync(join(scratch, "wait-"));
    const file = join(dir, "fleet.yaml");
    writeFileSync(file, FLEET);
    // Held by this test's own process, alive for the whole wait.
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    const child = spawn(process.execPath, [join(ROOT, "bin/fleet"), ...ADD, "--fleet", file]);
    await new Promise<void>((waiting) => child.stderr.on("data", (d: Buffer) => { if (d.toString().includes("waiting for")) waiting(); }));
    const sent = Date.now();
    child.kill("SIGINT");
    const signal = await new Promise<NodeJS.Signals | null>((done) => child.on("close", (_code, sig) => done(sig)));
    expect(signal).toBe("SIGINT");
    expect(Date.now() - sent).toBeLessThan(2_000);
    expect(readFileSync(file, "utf8")).toBe(FLEET);
    expect(readdirSync(dir).sort()).toEqual(["fleet.yaml", "fleet.yaml.lock"]);
  });
});

describe("a lock whose pid now belongs to an unrelated, younger process", () => {
  it("is stale: fleet add breaks it and adds the node at once", async () => {
    const dir = mkdtempSync(join(scratch, "reused-"));
    const file = join(dir, "fleet.yaml");
    writeFileSync(file, FLEET);
    const stranger = spawn("sleep", ["60"]);
    try {
      // The lock was taken an hour before the process now holding its pid started.
      writeFileSync(`${file}.lock`, JSON.stringify({ pid: stranger.pid, host: hostname(), since: new Date(Date.now() - 3_600_000).toISOString() }));
      const started = Date.now();
      const run = spawnSync(process.execPath, [join(ROOT, "bin/fleet"), ...ADD, "--fleet", file], { encoding: "utf8", cwd: dir });
      expect(run.status).toBe(EXIT.ok);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(readFileSync(file, "utf8")).toContain("prd-sha-het-de-fsn1-002");
      expect(readdirSync(dir)).toEqual(["fleet.yaml"]);
    } finally {
      stranger.kill();
    }
  });
});
