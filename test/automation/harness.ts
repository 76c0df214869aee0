import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FleetAutomation, type FleetAutomationOptions } from "../../src/automation/operations";
import type { FleetEvent } from "../../src/automation/events";
import type { AuditEvent } from "../../src/audit/event";
import { jsonLinesSink } from "../../src/audit/sinks";
import type { StackResource } from "./stand-in/record-urns";
import { deploymentOf, STAND_IN_BIN, standIn, type Call, type Scenario } from "./stand-in/scenario";

export const ORIGINAL_PATH = process.env.PATH ?? "";

/** A scenario of stack prd holding `resources`, answering the project's minimum version. */
export function baseScenario(resources: readonly StackResource[], over: Partial<Scenario> = {}): Scenario {
  return {
    version: "3.208.0",
    stacks: ["prd"],
    outputs: {
      environment: { value: "prd", secret: false },
      nodeCount: { value: 3, secret: false },
      adminKeys: { value: { "prd-sha-het-de-fsn1-001": "-----BEGIN OPENSSH PRIVATE KEY-----" }, secret: true },
    },
    history: [{
      version: 4, kind: "update", startTime: new Date("2026-11-20T10:00:00Z"), endTime: new Date("2026-11-20T10:12:00Z"),
      message: "fleet up [correlation c-1]", environment: {}, config: {}, result: "succeeded", resourceChanges: { create: 39 },
    }],
    deployment: deploymentOf(resources),
    ...over,
    // The preflight of `up` previews a stack with Hetzner-protected servers first.
    operations: { preview: { events: [] }, ...over.operations },
  };
}

/** One run of the library against the stand-in: its calls, events and audit records. */
export interface Harness {
  readonly fleet: FleetAutomation;
  readonly dir: string;
  readonly events: FleetEvent[];
  calls(): Call[];
  audit(): AuditEvent[];
  cleanup(): void;
}

/** Puts the stand-in first on PATH with this scenario (the Automation API finds `pulumi`
 *  on PATH, like an operator's shell would) and opens stack prd with a file audit sink. */
export function harness(scenario: Scenario, options: Partial<FleetAutomationOptions> = {}): Harness {
  const s = standIn(scenario);
  process.env.PATH = `${STAND_IN_BIN}:${ORIGINAL_PATH}`;
  process.env.STANDIN_DIR = s.dir;
  const events: FleetEvent[] = [];
  const auditFile = join(s.dir, "audit.jsonl");
  const fleet = new FleetAutomation({
    stack: "prd",
    env: { PULUMI_BACKEND_URL: `file://${s.dir}/state`, PULUMI_CONFIG_PASSPHRASE: "stand-in passphrase" },
    auditSinks: [jsonLinesSink(auditFile)],
    actor: "platform:alice",
    onEvent: (e) => events.push(e),
    lockRetry: { attempts: 3, baseDelayMs: 1 },
    ...options,
  });
  return {
    fleet, dir: s.dir, events, calls: s.calls, cleanup: s.cleanup,
    audit: () => {
      try {
        return readFileSync(auditFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditEvent);
      } catch {
        return [];
      }
    },
  };
}

/** The calls after `pulumi version`, as argument lists. */
export function argsOf(calls: readonly Call[]): string[][] {
  return calls.filter((c) => c.args[0] !== "version").map((c) => c.args);
}

/** Stands for the event-log address the Automation API picks (a fresh local port). */
export function withEventLog(args: readonly string[]): string[] {
  return args.map((a) => (/^tcp:\/\/127\.0\.0\.1:\d+$/.test(a) ? "tcp://127.0.0.1:PORT" : a));
}
