import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import type { HealthEvent } from "../../src/events/health-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateDir, StateFileError, StateLockedError } from "../../src/health/store";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "fleet-health-store-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = { hostname: "prd-sha-het-de-fsn1-001", state: "ready" as const, generation: 0, graceUntil: 0, consecutiveFailures: 0, history: [], actions: [] };

describe("health state directory", () => {
  it("starts empty and reads back what it saved, leaving no temporary file", () => {
    const store = new StateDir(dir, "prd");
    expect(store.load()).toEqual({ version: 1, stack: "prd", nodes: [], notified: {} });
    store.save({ version: 1, stack: "prd", nodes: [record], notified: { "*": [1] } });
    expect(new StateDir(dir, "prd").load().nodes).toEqual([record]);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("refuses a damaged state file instead of forgetting open incidents", () => {
    writeFileSync(join(dir, "state.json"), JSON.stringify({ version: 1, stack: "prd", nodes: [{ hostname: 3 }] }));
    expect(() => new StateDir(dir, "prd").load()).toThrow(`${join(dir, "state.json")} is not a health state file`);
  });

  it("refuses a state file that is not JSON", () => {
    writeFileSync(join(dir, "state.json"), "{\"version\": 1, \"nod");
    expect(() => new StateDir(dir, "prd").load()).toThrow(/is not a health state file \(.*JSON.*\); move it aside to start afresh/);
  });

  it("appends events as JSON lines with a readable time", () => {
    const store = new StateDir(dir, "prd");
    store.append([{ type: "fleet.held", at: Date.parse("2026-11-22T06:00:00Z"), hostname: "fleet", message: "x" }]);
    store.append([{ type: "fleet.held", at: Date.parse("2026-11-22T06:01:00Z"), hostname: "fleet", message: "y" }]);
    const lines = readFileSync(join(dir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { message: string; time: string });
    expect(lines.map((l) => [l.message, l.time])).toEqual([["x", "2026-11-22T06:00:00.000Z"], ["y", "2026-11-22T06:01:00.000Z"]]);
  });

  it("refuses a second holder while the first is alive, naming it", () => {
    const store = new StateDir(dir, "prd");
    const release = store.lock("watch");
    expect(() => store.lock("watch")).toThrow(StateLockedError);
    expect(() => store.lock("once")).toThrow(new RegExp(`another \`fleet health --watch\` \\(pid ${process.pid}, since .*\\) is checking stack prd with state directory ${dir}; stop it first`));
    release();
    expect(() => store.lock("once")()).not.toThrow();
  });

  it("takes over a lock left by a process that is gone", async () => {
    const child = spawn("true");
    const pid = child.pid!;
    await new Promise((r) => child.once("exit", r));
    writeFileSync(join(dir, "lock"), JSON.stringify({ pid, mode: "watch", since: "2026-11-22T05:00:00Z" }));
    const release = new StateDir(dir, "prd").lock("watch");
    expect(JSON.parse(readFileSync(join(dir, "lock"), "utf8"))).toMatchObject({ pid: process.pid, mode: "watch" });
    release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("health state directory others can reach", () => {
  const event: HealthEvent = { type: "fleet.held", at: Date.parse("2026-11-22T06:00:00Z"), hostname: "fleet", message: "x" };
  let victim: string;
  beforeEach(() => {
    victim = join(mkdtempSync(join(tmpdir(), "fleet-health-victim-")), "victim");
    writeFileSync(victim, "precious\n");
  });
  afterEach(() => rmSync(join(victim, ".."), { recursive: true, force: true }));

  it("is refused when every user can write it, before anything is written there", () => {
    chmodSync(dir, 0o777);
    symlinkSync(victim, join(dir, "events.jsonl"));
    const store = new StateDir(dir, "prd");
    expect(() => store.append([event])).toThrow(new StateFileError(`health state directory ${dir} can be written by every user (mode 777), ` +
      `who could plant links or files in it; chmod o-w ${dir}, or give a --state-dir of your own`));
    expect(() => store.load()).toThrow(StateFileError);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("never appends through a link planted at events.jsonl", () => {
    symlinkSync(victim, join(dir, "events.jsonl"));
    expect(() => new StateDir(dir, "prd").append([event])).toThrow(`${join(dir, "events.jsonl")} is a symbolic link`);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("never reads state through a link planted at state.json", () => {
    writeFileSync(victim, JSON.stringify({ version: 1, stack: "prd", nodes: [record] }));
    symlinkSync(victim, join(dir, "state.json"));
    expect(() => new StateDir(dir, "prd").load()).toThrow(`${join(dir, "state.json")} is a symbolic link`);
  });

  it("writes its temporary file under a name nobody planted: a link at the old pid-based name is left alone", () => {
    symlinkSync(victim, join(dir, `state.json.${process.pid}.tmp`));
    new StateDir(dir, "prd").save({ version: 1, stack: "prd", nodes: [record], notified: {} });
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(new StateDir(dir, "prd").load().nodes).toEqual([record]);
    expect(readdirSync(dir).sort()).toEqual(["state.json", `state.json.${process.pid}.tmp`]);
  });

  it("refuses a FIFO planted at state.json without waiting for a writer", () => {
    execFileSync("mkfifo", [join(dir, "state.json")]);
    expect(() => new StateDir(dir, "prd").load()).toThrow(`${join(dir, "state.json")} is not a regular file`);
  });
});
