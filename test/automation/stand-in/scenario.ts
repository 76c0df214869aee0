import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment, EngineEvent, OpType, OutputMap, UpdateSummary } from "@pulumi/pulumi/automation";
import type { StackResource } from "./record-urns";

/** What the stand-in answers; written to scenario.json, read by ./pulumi. */
export interface Scenario {
  version: string;
  stacks: string[];
  operations: Partial<Record<"preview" | "up" | "refresh" | "refresh-preview" | "destroy" | "state unprotect", {
    events: EngineEvent[];
    exitCode?: number;
    stderr?: string;
    /** Times the operation answers "the stack is currently locked" before it runs. */
    lockedTimes?: number;
    /** Runs until SIGINT or SIGTERM cancels it (writes `waiting-KIND` once running). */
    waitForSignal?: boolean;
    /** Ends by SIGKILL after its events, as a crashed CLI would. */
    crash?: boolean;
  }>>;
  /** Operations of one stack, over `operations` (a shard that fails while others succeed). */
  stackOperations?: Record<string, Scenario["operations"]>;
  outputs: OutputMap;
  history: UpdateSummary[];
  deployment: Deployment;
  /** `up` updates these provisioning steps (see provisioningUpdate in ./pulumi) instead
   *  of answering `operations.up`: the NODE_CONFIG_DIGEST the program gives each step,
   *  by URN, and the nodes whose step fails (in the validate role). */
  provisioning?: { digests: Record<string, string>; failing?: string[] };
  /** `pulumi config get KEY --json` answers. */
  config?: Record<string, { value: string; secret: boolean }>;
}

/** One call the stand-in received. */
export interface Call {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export const STAND_IN_BIN = __dirname;

/** A directory for one test's scenario and calls; `calls()` reads what the stand-in got. */
export function standIn(scenario: Scenario): { dir: string; calls: () => Call[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "pulumi-stand-in-"));
  writeFileSync(join(dir, "scenario.json"), JSON.stringify(scenario));
  return {
    dir,
    calls: () => {
      try {
        return readFileSync(join(dir, "calls.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Call);
      } catch {
        return [];
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `pulumi stack export` of a stack holding these resources (apitype.DeploymentV3).
 *  Hosts in `unprotected` have protect off in the state and at the provider (a server's
 *  delete and rebuild protection, a Primary IP's delete protection). Custom
 *  resources get numeric ids, as Hetzner's are. */
export function deploymentOf(resources: readonly StackResource[], unprotected: readonly string[] = []): Deployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-20T10:00:00Z", magic: "", version: "v3.208.0" },
      resources: resources.map((r, i) => {
        const guarded = r.protect && !unprotected.some((h) => r.name.startsWith(h));
        const providerState = r.type === "hcloud:index/server:Server" ? { deleteProtection: guarded, rebuildProtection: guarded }
          : r.type === "hcloud:index/primaryIp:PrimaryIp" ? { deleteProtection: guarded } : {};
        return {
          urn: r.urn, type: r.type, custom: r.custom, ...(guarded ? { protect: true } : {}),
          ...(r.parent.startsWith("urn:") && !r.parent.includes("pulumi:pulumi:Stack") ? { parent: r.parent } : {}),
          dependencies: r.dependencies, ...(r.custom ? { id: String(40_000_000 + i), inputs: providerState, outputs: providerState } : {}),
        };
      }),
    },
  };
}

/** Builds an engine event stream with increasing sequence numbers and given times. */
export class Events {
  readonly list: EngineEvent[] = [];

  step(kind: "pre" | "outputs" | "failed", r: Pick<StackResource, "urn" | "type">, op: OpType, timestamp: number,
    extra: { diffs?: string[]; planning?: boolean } = {}): this {
    const metadata = { op, urn: r.urn, type: r.type, provider: "", ...(extra.diffs ? { diffs: extra.diffs } : {}) };
    const base = { sequence: this.list.length + 1, timestamp };
    if (kind === "pre") this.list.push({ ...base, resourcePreEvent: { metadata, ...(extra.planning ? { planning: true } : {}) } });
    else if (kind === "outputs") this.list.push({ ...base, resOutputsEvent: { metadata, ...(extra.planning ? { planning: true } : {}) } });
    else this.list.push({ ...base, resOpFailedEvent: { metadata, status: 1, steps: 1 } });
    return this;
  }

  /** A line of a step's output, as pulumi-command logs it (ephemeral info). */
  output(urn: string, message: string, timestamp: number): this {
    this.list.push({ sequence: this.list.length + 1, timestamp,
      diagnosticEvent: { urn, message, color: "raw", severity: "info", ephemeral: true } });
    return this;
  }

  diagnostic(urn: string | undefined, severity: "warning" | "error", message: string, timestamp: number): this {
    this.list.push({ sequence: this.list.length + 1, timestamp,
      diagnosticEvent: { ...(urn ? { urn } : {}), message, color: "raw", severity } });
    return this;
  }

  summary(resourceChanges: Partial<Record<OpType, number>>, timestamp: number): this {
    this.list.push({ sequence: this.list.length + 1, timestamp,
      summaryEvent: { maybeCorrupt: false, durationSeconds: 0, resourceChanges, policyPacks: {} } });
    return this;
  }
}

/** The marker line of ansible/callback_plugins/node_fleet_phases.py. */
export function marker(role: string, state: "started" | "succeeded" | "failed", correlationId?: string): string {
  return `node-fleet-phase ${JSON.stringify({ ...(correlationId ? { correlationId } : {}), role, state })}`;
}

/** A node's resources by role (name suffix). */
export function nodeOf(resources: readonly StackResource[], hostname: string): (role: string) => StackResource {
  return (role) => {
    const r = resources.find((x) => x.name === `${hostname}-${role}`);
    if (!r) throw new Error(`no ${hostname}-${role} in the recorded stack`);
    return r;
  };
}

/** The events of a first deployment of one node, at realistic times from `t0`:
 *  server 34s, DNS 2s, base 58s (3s waiting for SSH), panel 525s, backups 8s, validation 23s, registration 3s.
 *  `failRole` stops the playbook in that role (the step then fails). */
export function createNodeEvents(ev: Events, resources: readonly StackResource[], hostname: string, t0: number,
  opts: { failRole?: string; correlationId?: string } = {}): Events {
  const r = nodeOf(resources, hostname);
  for (const role of ["admin-key", "host-key", "panel-password", "ssh-key", "fw"]) {
    ev.step("pre", r(role), "create", t0).step("outputs", r(role), "create", t0 + 1);
  }
  ev.step("pre", r("server"), "create", t0 + 1).step("outputs", r("server"), "create", t0 + 35);
  for (const role of ["rdns-v4", "rdns-v6", "a", "aaaa"]) ev.step("pre", r(role), "create", t0 + 35);
  for (const role of ["rdns-v4", "rdns-v6", "a", "aaaa"]) ev.step("outputs", r(role), "create", t0 + 37);
  const provision = r("provision");
  ev.step("pre", provision, "create", t0 + 37);
  const roles: [string, number][] = [["common", 30], ["security", 25], ["virtualmin", 525], ["backup", 8], ["validate", 23]];
  let t = t0 + 40;
  for (const [role, seconds] of roles) {
    ev.output(provision.urn, marker(role, "started", opts.correlationId), t);
    ev.output(provision.urn, `TASK [${role} : …] ****`, t + 1);
    t += seconds;
    if (role === opts.failRole) {
      ev.output(provision.urn, marker(role, "failed", opts.correlationId), t);
      ev.diagnostic(provision.urn, "error", `exit status 2: running "ansible/bin/provision"`, t + 1);
      ev.step("failed", provision, "create", t + 1);
      return ev;
    }
    ev.output(provision.urn, marker(role, "succeeded", opts.correlationId), t);
  }
  ev.step("outputs", provision, "create", t + 1);
  ev.step("pre", r("register"), "create", t + 1).step("outputs", r("register"), "create", t + 4);
  return ev;
}

/** The id `deploymentOf` gives a node's server. */
export function serverIdOf(resources: readonly StackResource[], hostname: string): string {
  return idOf(resources, hostname, "server");
}

/** The provider id `deploymentOf` gives a node's resource of this role (`ipv4`, `server` …). */
export function idOf(resources: readonly StackResource[], hostname: string, role: string): string {
  const state = deploymentOf(resources).deployment as { resources: { urn: string; id?: string }[] };
  return state.resources.find((r) => r.urn === nodeOf(resources, hostname)(role).urn)!.id!;
}
