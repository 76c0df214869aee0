import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/format";
import { LiveBoard, renderBoard } from "../../src/cli/phase-board";
import { fleet } from "../cli/run";
import { baseScenario, ORIGINAL_PATH } from "./harness";
import { fakeHetznerApi } from "./hetzner-api";
import { recordStack, type StackResource } from "./stand-in/record-urns";
import { createNodeEvents, deploymentOf, Events, serverIdOf, STAND_IN_BIN, standIn, type Scenario } from "./stand-in/scenario";

const HOST = "prd-sha-het-de-fsn1-001";
const T0 = 1_790_000_000;
let resources: StackResource[];
let cleanup: (() => void) | undefined;

beforeAll(async () => {
  resources = await recordStack("prd");
});
const ORIGINAL_HOME = process.env.HOME;
afterEach(() => {
  cleanup?.();
  process.env.PATH = ORIGINAL_PATH;
  process.env.HOME = ORIGINAL_HOME;
  for (const name of ["STANDIN_DIR", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_HOME", "NODE_FLEET_AUDIT_FILE",
    "NODE_FLEET_AUDIT_WEBHOOK", "NODE_FLEET_AUDIT_WEBHOOK_SECRET", "FLEET_NOTIFY_WEBHOOK_URL"]) delete process.env[name];
});

/** The stand-in on PATH for `fleet …` run in this process; audit records to a file. */
function useStandIn(scenario: Scenario): { dir: string; auditFile: string } {
  const s = standIn(scenario);
  cleanup = s.cleanup;
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  process.env.PULUMI_BACKEND_URL = `file://${s.dir}/state`;
  process.env.PULUMI_CONFIG_PASSPHRASE = "stand-in passphrase";
  process.env.NODE_FLEET_AUDIT_FILE = join(s.dir, "audit.jsonl");
  return { dir: s.dir, auditFile: join(s.dir, "audit.jsonl") };
}

const deployed = () => createNodeEvents(new Events(), resources, HOST, T0).summary({ create: 12 }, T0 + 700).list;

describe("fleet operations without the Pulumi CLI", () => {
  const commands = [["preview"], ["up"], ["refresh"], ["destroy"], ["drift"], ["rebuild", HOST], ["reprovision", HOST], ["outputs"], ["history"]];
  it.each(commands)("fleet %s stops at once with one line naming the install and the minimum version", async (...cmd) => {
    process.env.PATH = "/nonexistent";
    const run = await fleet(...cmd, "--stack", "prd");
    expect(run.code).toBe(EXIT.toolMissing);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("fleet: the Pulumi CLI was not found on PATH; install the Pulumi CLI 3.208.0 or later: " +
      "curl -fsSL https://get.pulumi.com | sh (https://www.pulumi.com/docs/install/)");
  });
});

describe("fleet up", () => {
  it("prints one JSON event per line with --json, from the operation's start to its result", async () => {
    useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    const run = await fleet("up", "--stack", "prd", "--json", "--correlation-id", "cli-1");
    expect(run.code).toBe(EXIT.ok);
    const events = run.stdout.split("\n").map((l) => JSON.parse(l) as { kind: string; state?: string; correlationId?: string });
    expect(events[0]).toMatchObject({ kind: "operation", state: "started", correlationId: "cli-1" });
    expect(events.at(-2)).toMatchObject({ kind: "operation", state: "succeeded" });
    expect(events.at(-1)).toMatchObject({ kind: "result", operation: "up", correlationId: "cli-1" });
    expect(events.filter((e) => e.kind === "phase")).toHaveLength(14);
  });

  it("prints a line per phase change on a non-terminal stderr and the phase table and summary on stdout", async () => {
    useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    const run = await fleet("up", "--stack", "prd", "--correlation-id", "cli-2");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr.split("\n")).toContain(`${HOST}  Panel installed  ✓ succeeded  8m 45s`);
    const out = run.stdout.split("\n");
    expect(out[0]).toMatch(/^NODE\s+Server created\s+DNS configured\s+Base system configured\s+Panel installed/);
    expect(out[1]).toMatch(new RegExp(`^${HOST}\\s+✓ 34s\\s+✓ 2s\\s+✓ 58s\\s+✓ 8m 45s\\s+✓ 8s\\s+✓ 23s\\s+✓ 3s$`));
    expect(out.at(-1)).toMatch(/^up of stack prd succeeded in \d+s \(correlation cli-2\)$/);
  });

  it("exits 3 when the update fails, naming the correlation id and the CLI's error", async () => {
    useStandIn(baseScenario(resources, { operations: { up: { events: deployed(), exitCode: 255, stderr: "error: hcloud: server limit reached" } } }));
    const run = await fleet("up", "--stack", "prd", "--correlation-id", "cli-3");
    expect(run.code).toBe(EXIT.operationFailed);
    expect(run.stderr.split("\n").at(-1)).toBe("fleet: failed (correlation cli-3): error: hcloud: server limit reached");
  });

  it("writes the audit records to --audit-file and to a signed webhook from the environment", async () => {
    const { dir } = useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    const bodies: { body: string; signature: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => { body += c.toString(); });
      req.on("end", () => { bodies.push({ body, signature: req.headers["x-node-fleet-signature"] as string | undefined }); res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      process.env.NODE_FLEET_AUDIT_WEBHOOK = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`;
      process.env.NODE_FLEET_AUDIT_WEBHOOK_SECRET = "hook-secret";
      const file = join(dir, "elsewhere.jsonl");
      expect((await fleet("up", "--stack", "prd", "--audit-file", file)).code).toBe(EXIT.ok);
      expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(16);
      expect(bodies).toHaveLength(16);
      for (const b of bodies) expect(b.signature).toBe(`sha256=${createHmac("sha256", "hook-secret").update(b.body).digest("hex")}`);
    } finally {
      server.close();
    }
  });

  it("goes on when the audit webhook is down, saying so once on stderr, naming only its origin (the path may be the secret)", async () => {
    useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    process.env.NODE_FLEET_AUDIT_WEBHOOK = "http://127.0.0.1:9/audit";
    const run = await fleet("up", "--stack", "prd");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr.split("\n").filter((l) => l.startsWith("notice: audit webhook http://127.0.0.1:9 failed ("))).toHaveLength(1);
    expect(run.stderr).not.toContain("/audit");
  });
});

describe("deployment notifications", () => {
  /** A generic-webhook receiver on loopback, set in FLEET_NOTIFY_WEBHOOK_URL. */
  async function receiver(): Promise<{ messages: Record<string, unknown>[]; close: () => void }> {
    const messages: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => { body += c.toString(); });
      req.on("end", () => { messages.push(JSON.parse(body) as Record<string, unknown>); res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    process.env.FLEET_NOTIFY_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return { messages, close: () => server.close() };
  }

  it("tells the channels that fleet up finished, with its changes and correlation id", async () => {
    useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    const hook = await receiver();
    try {
      expect((await fleet("up", "--stack", "prd", "--correlation-id", "cli-n1")).code).toBe(EXIT.ok);
      expect(hook.messages).toEqual([expect.objectContaining({ type: "deployment.succeeded", hostname: "fleet", correlationId: "cli-n1",
        message: expect.stringMatching(/^up of stack prd succeeded in \d+s: create 12 \(correlation cli-n1\)$/) })]);
    } finally {
      hook.close();
    }
  });

  it("tells the channels that a rebuild failed, naming the node and the CLI's error, and keeps the failure's exit code", async () => {
    useStandIn(baseScenario(resources, { deployment: deploymentOf(resources, [HOST]),
      operations: { up: { events: [], exitCode: 255, stderr: "error: hcloud: server limit reached" } } }));
    const hook = await receiver();
    try {
      const run = await fleet("rebuild", HOST, "--stack", "prd", "--correlation-id", "cli-n2");
      expect(run.code).toBe(EXIT.operationFailed);
      expect(hook.messages).toEqual([expect.objectContaining({ type: "deployment.failed", hostname: HOST, correlationId: "cli-n2",
        message: "rebuild of stack prd failed: error: hcloud: server limit reached (correlation cli-n2)" })]);
    } finally {
      hook.close();
    }
  });

  it("re-provisions one node from the command line, forcing the playbook, and tells the channels", async () => {
    const { dir } = useStandIn(baseScenario(resources, { deployment: deploymentOf(resources, [HOST]),
      operations: { up: { events: new Events().summary({ replace: 1 }, T0).list } } }));
    const hook = await receiver();
    try {
      const run = await fleet("reprovision", HOST, "--stack", "prd", "--correlation-id", "cli-n3");
      expect(run.code).toBe(EXIT.ok);
      const up = readFileSync(join(dir, "calls.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { args: string[]; env: Record<string, string> })
        .find((c) => c.args[0] === "up")!;
      const provision = resources.find((r) => r.name === `${HOST}-provision`)!.urn;
      expect(up.args).toEqual(expect.arrayContaining(["--replace", provision, "--target", provision]));
      expect(up.env).toMatchObject({ NODE_CORRELATION_ID: "cli-n3", NODE_FORCE_PROVISION: "1" });
      expect(hook.messages).toEqual([expect.objectContaining({ type: "deployment.succeeded", hostname: HOST,
        message: expect.stringMatching(/^reprovision of stack prd succeeded in \d+s: replace 1 \(correlation cli-n3\)$/) })]);
    } finally {
      hook.close();
    }
  });

  it("reports a channel that fails on stderr without changing the exit code", async () => {
    useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    process.env.FLEET_NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/hook";
    const run = await fleet("up", "--stack", "prd");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr.split("\n")).toContainEqual(expect.stringMatching(/^notification failed: webhook http:\/\/127\.0\.0\.1:9: /));
  });
});

describe("a first fleet up that lacks a setting", () => {
  /** The stand-in's calls other than `pulumi version` (which only checks the CLI). */
  const stackCalls = (dir: string) => readFileSync(join(dir, "calls.jsonl"), "utf8").trim().split("\n")
    .map((l) => (JSON.parse(l) as { args: string[] }).args).filter((args) => args[0] !== "version");

  it("stops with one line naming the passphrase variables after `pulumi login file://…` without a passphrase", async () => {
    const { dir } = useStandIn(baseScenario(resources, { stacks: [] }));
    delete process.env.PULUMI_BACKEND_URL;
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    process.env.PULUMI_HOME = join(dir, "pulumi-home");
    mkdirSync(process.env.PULUMI_HOME);
    writeFileSync(join(process.env.PULUMI_HOME, "credentials.json"), JSON.stringify({ current: `file://${dir}/state`, accessTokens: {} }));
    const run = await fleet("up", "--stack", "prd");
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.stderr).toBe(`fleet: stack prd keeps its secrets with a passphrase on backend file://${dir}/state (from pulumi login): ` +
      "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, or NODE_FLEET_SECRETS_PROVIDER to another secrets provider");
    expect(stackCalls(dir)).toEqual([]);
  });

  it("stops with one line naming PULUMI_BACKEND_URL when no backend is set and the default holds no such stack", async () => {
    const { dir } = useStandIn(baseScenario(resources, { stacks: [] }));
    delete process.env.PULUMI_BACKEND_URL;
    process.env.HOME = join(dir, "home");
    const run = await fleet("up", "--stack", "prd");
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.stderr).toBe(`fleet: no Pulumi backend is set and stack prd is not in the default file://${dir}/home/.pulumi-state: ` +
      "set PULUMI_BACKEND_URL to the backend that holds the fleet's state (or run `pulumi login <url>`); " +
      `for a new fleet, PULUMI_BACKEND_URL=file://${dir}/home/.pulumi-state`);
    expect(stackCalls(dir)).toEqual([]);
  });

  it("uses the default backend without a setting when it already holds the stack", async () => {
    const { dir } = useStandIn(baseScenario(resources, { operations: { up: { events: deployed() } } }));
    delete process.env.PULUMI_BACKEND_URL;
    process.env.HOME = join(dir, "home");
    mkdirSync(join(dir, "home", ".pulumi-state", ".pulumi", "stacks", "node-fleet"), { recursive: true });
    writeFileSync(join(dir, "home", ".pulumi-state", ".pulumi", "stacks", "node-fleet", "prd.json"), "{}");
    const run = await fleet("up", "--stack", "prd");
    expect(run.code).toBe(EXIT.ok);
    expect(stackCalls(dir)[0]).toEqual(["stack", "select", "--stack", "prd", "--non-interactive"]);
    const backends = readFileSync(join(dir, "calls.jsonl"), "utf8").trim().split("\n")
      .map((l) => (JSON.parse(l) as { env: Record<string, string> }).env.PULUMI_BACKEND_URL);
    expect(new Set(backends.slice(1))).toEqual(new Set([`file://${dir}/home/.pulumi-state`]));
  });
});

describe("fleet preview", () => {
  it("prints the planned changes per node and no phase table", async () => {
    const server = resources.find((r) => r.name === `${HOST}-server`)!;
    const ev = new Events().step("pre", server, "replace", T0, { planning: true }).summary({ replace: 1, same: 38 }, T0);
    useStandIn(baseScenario(resources, { operations: { preview: { events: ev.list } } }));
    const run = await fleet("preview", "--stack", "prd", "--correlation-id", "cli-p");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split("\n")).toEqual(["NODE                     CHANGES", "-----------------------  ---------",
      `${HOST}  replace 1`, expect.stringMatching(/^preview of stack prd succeeded in \d+s \(correlation cli-p\)$/)]);
  });
});

describe("fleet rebuild and destroy", () => {
  it("refuses a protected node with exit 77 and the steps to proceed", async () => {
    useStandIn(baseScenario(resources));
    const run = await fleet("rebuild", HOST, "--stack", "prd");
    expect(run.code).toBe(EXIT.refused);
    expect(run.stderr.split("\n")).toEqual([
      `fleet: refused: node ${HOST} is protected; nothing was rebuilt`,
      "  1. rebuild it anyway with an explicit override and a reason (library: overrideProtection: { reason }; CLI: --override-protection REASON)",
      "  2. or bump its `rebuild` counter in the fleet file in a pull request and follow the steps `fleet diff` prints (prd nodes stay protected)",
    ]);
  });

  it("rebuilds a protected node with --override-protection and records the reason", async () => {
    const api = await fakeHetznerApi([serverIdOf(resources, HOST)]);
    try {
      const { auditFile } = useStandIn(baseScenario(resources, {
        operations: { up: { events: new Events().summary({ replace: 2 }, T0).list } }, config: { "hcloud:token": { value: "t", secret: true } },
      }));
      process.env.HCLOUD_ENDPOINT = api.url;
      const run = await fleet("rebuild", HOST, "--stack", "prd", "--override-protection", "OPS-42 disk failure");
      expect(run.code).toBe(EXIT.ok);
      const last = JSON.parse(readFileSync(auditFile, "utf8").trim().split("\n").at(-1)!) as { protectionOverride: { reason: string } };
      expect(last.protectionOverride.reason).toBe("OPS-42 disk failure");
      expect(api.requests).toHaveLength(1);
    } finally {
      api.close();
      delete process.env.HCLOUD_ENDPOINT;
    }
  });

  it("refuses to destroy a stack with protected nodes (exit 77)", async () => {
    useStandIn(baseScenario(resources));
    expect((await fleet("destroy", "--stack", "prd")).code).toBe(EXIT.refused);
  });
});

describe("fleet outputs, history, drift", () => {
  it("prints outputs one per line, secrets masked", async () => {
    useStandIn(baseScenario(resources));
    const run = await fleet("outputs", "--stack", "prd");
    expect(run.stdout.split("\n")).toEqual(['environment: "prd"', "nodeCount: 3", 'adminKeys: "[secret]"']);
  });

  it("prints history as a table", async () => {
    useStandIn(baseScenario(resources));
    const run = await fleet("history", "--stack", "prd", "--limit", "5");
    expect(run.stdout.split("\n")[2]).toMatch(/^\s*4\s+update\s+succeeded\s+2026-11-20 10:00:00\s+12m 00s\s+fleet up \[correlation c-1\]$/);
  });

  it("rejects a --limit that is not a positive number as a command-line error", async () => {
    expect((await fleet("history", "--stack", "prd", "--limit", "0")).code).toBe(EXIT.usage);
  });

  it("requires --stack: no operation defaults to a stack", async () => {
    expect((await fleet("up")).code).toBe(EXIT.usage);
  });

  it("prints drift per node, or that there is none", async () => {
    useStandIn(baseScenario(resources, { operations: { "refresh-preview": { events: new Events().summary({ same: 39 }, T0).list } } }));
    const run = await fleet("drift", "--stack", "prd");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split("\n")[0]).toBe("no drift");
  });
});

describe("the live phase table", () => {
  const p = { hostname: HOST, phase: "serverCreated" as const, label: "Server created", startedAt: "2026-11-22T08:00:00.000Z" };

  it("shows running phases with the time so far, finished ones with their duration, others as dots", () => {
    const lines = renderBoard([{ ...p, state: "succeeded", durationSeconds: 154 },
      { ...p, phase: "dnsConfigured", label: "DNS configured", state: "running" }], new Date("2026-11-22T08:00:12Z"));
    expect(lines[1]).toMatch(new RegExp(`^${HOST}\\s+✓ 2m 34s\\s+… 12s\\s+·\\s+·\\s+·\\s+·\\s+·$`));
  });

  it("redraws in place: the second drawing moves the cursor up over the first", () => {
    const writes: string[] = [];
    const board = new LiveBoard((t) => writes.push(t), () => new Date("2026-11-22T08:00:05Z"));
    board.update({ ...p, state: "running" });
    board.update({ ...p, state: "succeeded", durationSeconds: 34 });
    expect(writes[0]!.startsWith("\x1b[2KNODE")).toBe(true);
    expect(writes[1]!.startsWith("\x1b[2A\x1b[2KNODE")).toBe(true);
    expect(writes[1]).toContain("✓ 34s");
  });

  it("prints a message above the table and draws the table again below it", () => {
    const writes: string[] = [];
    const board = new LiveBoard((t) => writes.push(t), () => new Date("2026-11-22T08:00:05Z"));
    board.update({ ...p, state: "running" });
    board.message("notice: audit webhook down");
    expect(writes[1]!.startsWith("\x1b[2A\x1b[2Knotice: audit webhook down\n\x1b[2KNODE")).toBe(true);
  });
});
