import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const BUILT = join(__dirname, "../../dist/source/defer-signals.js");
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real process that sends itself a signal in the middle of the work (the built module,
 *  as `bin/fleet` runs it). */
function signalledProcess() {
  dir = mkdtempSync(join(tmpdir(), "signals-"));
  const marker = join(dir, "finished");
  const script = `
    const { writeFileSync } = require("node:fs");
    const work = () => {
      process.kill(process.pid, "SIGTERM");
      const until = Date.now() + 200;
      while (Date.now() < until) {}
      writeFileSync(${JSON.stringify(marker)}, "finished");
    };
    require(${JSON.stringify(BUILT)}).withSignalsDeferred(work);
    setTimeout(() => writeFileSync(${JSON.stringify(marker)} + ".later", "still running"), 500);`;
  const run = spawnSync(process.execPath, ["-e", script]);
  return { signal: run.signal, finished: existsSync(marker), ranOn: existsSync(`${marker}.later`) };
}

describe("withSignalsDeferred", () => {
  it("lets the work finish, then ends the process with the signal it held back", () => {
    expect(signalledProcess()).toEqual({ signal: "SIGTERM", finished: true, ranOn: false });
  });
});
