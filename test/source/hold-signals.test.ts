import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BUILT = join(__dirname, "../../dist/source/hold-signals.js");

/** A real process (the built module, as bin/fleet runs it) that holds its signals, sends
 *  itself `signals` while holding, then releases; it prints what it saw. */
function held(signals: readonly NodeJS.Signals[], opts: { watchLoop?: boolean } = {}) {
  const script = `
    const { holdSignals } = require(${JSON.stringify(BUILT)});
    ${opts.watchLoop ? `process.on("SIGTERM", () => console.log("watch loop stops after its round"));` : ""}
    const held = holdSignals();
    held.signal.addEventListener("abort", () => console.log("aborted"));
    const signals = ${JSON.stringify(signals)};
    const next = () => {
      const signal = signals.shift();
      if (signal) { process.kill(process.pid, signal); setTimeout(next, 100); return; }
      console.log("put back, received " + held.received());
      held.release();
      setTimeout(() => console.log("lived on"), 200);
    };
    next();`;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  return { signal: run.signal, lines: run.stdout.trim().split("\n") };
}

describe("holdSignals", () => {
  it("keeps the process alive through a signal, then ends it by that signal once released", () => {
    expect(held(["SIGTERM"])).toEqual({ signal: "SIGTERM", lines: ["put back, received SIGTERM"] });
  });

  it("aborts its signal at the second one only (the first is the child CLI's own)", () => {
    expect(held(["SIGINT", "SIGINT"])).toEqual({ signal: "SIGINT", lines: ["aborted", "put back, received SIGINT"] });
  });

  it("leaves the ending to a listener the process still has (the health watch loop)", () => {
    expect(held(["SIGTERM"], { watchLoop: true })).toEqual({ signal: null,
      lines: ["watch loop stops after its round", "put back, received SIGTERM", "lived on"] });
  });
});
