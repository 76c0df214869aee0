import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = resolve(__dirname, "..");

/** `npm run test:quick` is the loop a contributor runs after every edit (CONTRIBUTING.md).
 *  A new test file that starts a process, or replaces a module with vi.mock in the shared
 *  process, breaks it without breaking `npm test`; so the full suite runs the loop. */
describe("npm run test:quick", () => {
  it("passes whole: every file that needs more than the shared process is listed in vitest.quick.mts", () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, [resolve(REPO, "node_modules/vitest/vitest.mjs"), "run", "--config", "vitest.quick.mts"], {
      cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const failed = [...run.stdout.matchAll(/^ FAIL .*$/gm)].map((m) => m[0]).join("\n");
    expect(run.status, failed || run.stderr.slice(-2000)).toBe(0);
    expect(run.stdout).toMatch(/Test Files\s+\d+ passed \(\d+\)/);
    console.log(`test:quick took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 300_000);
});
