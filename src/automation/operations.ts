import type { Deployment, EngineEvent, OutputMap, Stack, UpdateSummary } from "@pulumi/pulumi/automation";
import { FORCE_PROVISION_ENV, PINNED_HOST_KEY_ENV } from "../components/commands";
import { pinLine } from "../components/host-key-pin";
import { parseHostname } from "../fleet/naming";
import { holdSignals, type HeldSignals } from "../source/hold-signals";
import { InvalidInputError } from "../source/issues";
import { correlationIdFor } from "./correlation";
import { driftFromEvents, type DriftedResource } from "./drift";
import { OperationRefusedError } from "./errors";
import { hetznerDeleteProtected, serversTheChangeDeletes } from "./hetzner-preflight";
import { protectionGaps, readHetznerProtection, recordsHetznerProtection, type ProtectionGap } from "./hetzner-protection";
import { HCLOUD_API, HCLOUD_SERVER_TYPE, setServerProtection, type HcloudAccess } from "./provider-protection";
import { OperationRunner, type Context, type FleetAutomationOptions, type Report, type RunOptions } from "./runner";
import { nodeHostKeyPin, nodeResources, protectedNodes, stateResources, withDependents } from "./state";
import { changesOf, desiredFleet, type DesiredFleet } from "./rollout-changes";
import { nodeResourceOf } from "./urn";
import { splitDeferred } from "../rollout/deferral";
import { ROLLOUT_DEFAULTS } from "../rollout/settings";
import { planWaves } from "../rollout/waves";
import { runPulumi } from "./workspace";

export type { FleetAutomationOptions, Report, RunOptions } from "./runner";

/** What a task on a node gets besides the outputs. */
export interface NodeTaskContext {
  readonly correlationId: string;
  notice(message: string): void;
}

export interface UpOptions extends RunOptions {
  /** Re-provision every node a change reaches in this one update, not only a rollout's first wave. */
  readonly allAtOnce?: boolean;
  /** What the fleet file declares now; default: read from the project. */
  readonly desired?: DesiredFleet;
}

export interface RebuildOptions extends RunOptions {
  /** Rebuild a protected node anyway. The reason is kept in the audit record. */
  readonly overrideProtection?: { readonly reason: string };
}

export interface DeployReport extends Report {
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface DriftReport extends Report {
  readonly drifted: readonly DriftedResource[];
  /** Resources the program protects whose Hetzner protection is off now. */
  readonly protectionOff: readonly ProtectionGap[];
  /** Why Hetzner's protection was not read (no token, the API failed), when it was not. */
  readonly protectionUnchecked?: string;
  /** Nodes with at least one drifted resource or one whose Hetzner protection is off. */
  readonly driftedNodes: readonly string[];
}

/** Hetzner's protection of what the program protects, or why it was not read. */
export type ProtectionCheck = { readonly gaps: readonly ProtectionGap[] } | { readonly unchecked: string };

/** Preview, deploy, rebuild and inspect one stack of this project through Pulumi's
 *  Automation API. Every operation has a correlation id, streams FleetEvents, keeps
 *  per-node phases, and writes audit records to the configured sinks. */
export class FleetAutomation {
  private readonly runner: OperationRunner;

  constructor(private readonly options: FleetAutomationOptions) {
    this.runner = new OperationRunner(options);
  }

  preview(opts: RunOptions = {}): Promise<Report> {
    return this.runner.run("preview", opts, true, async (ctx) => {
      await ctx.stack.preview({ message: ctx.message, onEvent: ctx.onEvent, ...signal(ctx) });
    });
  }

  /** Deploys the program. Refused before anything runs while Hetzner still protects a
   *  server the change rebuilds or removes: the engine would otherwise take the steps
   *  before the server's delete (a delete-before-replace chain resets reverse DNS, a
   *  removal deregisters the node and deletes its DNS records) and stop half-way. */
  async up(opts: UpOptions = {}): Promise<DeployReport> {
    let outputs: OutputMap = {};
    const report = await this.runner.run("up", opts, true, async (ctx) => {
      // One checkpoint for both: the preflight and the first-wave limit read the same state.
      const deployment = await ctx.stack.exportStack();
      await this.refuseWhileHetznerProtects(ctx, deployment);
      const exclude = opts.allAtOnce ? [] : this.beyondFirstWave(ctx, deployment, opts.desired);
      outputs = (await ctx.stack.up({ message: ctx.message, onEvent: ctx.onEvent, showSecrets: false, ...(exclude.length > 0 ? { exclude } : {}), ...signal(ctx) })).outputs;
    });
    return { ...report, outputs: visibleOutputs(outputs) };
  }

  /** The provisioning steps `up` leaves out so that a change re-provisions no more than
   *  a rollout's first wave at once (`--exclude` of those steps alone: the engine then
   *  keeps them as they are and updates everything else, pulumi v3.248.0
   *  pkg/resource/deploy/step_generator.go isExcludedFromUpdate). Said in a notice. */
  private beyondFirstWave(ctx: Context, deployment: Deployment, desired: DesiredFleet | undefined): string[] {
    const stack = this.options.stack;
    let declared: DesiredFleet;
    try {
      declared = desired ?? desiredFleet(this.runner.projectDir, stack);
    } catch (err) {
      // The program reads the same files and stops with these same issues before any step runs.
      if (err instanceof InvalidInputError) return [];
      throw err;
    }
    const { steps, conditions } = changesOf(deployment, declared);
    const { eligible } = splitDeferred(steps.map((s) => s.hostname), conditions, []);
    const first = new Set(planWaves(eligible, ROLLOUT_DEFAULTS)[0]?.hosts ?? []);
    const held = steps.filter((s) => !first.has(s.hostname));
    if (held.length === 0) return [];
    ctx.notice(`this change re-provisions ${steps.length} nodes; this update re-provisions ${first.size === 0 ? "none of them" : `only ${[...first].join(", ")} (a rollout's first wave)`} ` +
      `and leaves the provisioning steps of the other ${held.length} as they are: roll it out with \`fleet rollout --stack ${stack}\`, or deploy all at once with \`fleet up --stack ${stack} --all-at-once\``);
    return held.map((s) => s.urn);
  }

  /** `up`'s preflight alone, for callers that deploy with the Pulumi CLI itself (the
   *  deploy workflow): refused while Hetzner protects a server the change deletes. */
  preflight(opts: RunOptions = {}): Promise<Report> {
    return this.runner.run("preview", opts, false, (ctx) => this.refuseWhileHetznerProtects(ctx));
  }

  refresh(opts: RunOptions = {}): Promise<Report> {
    return this.runner.run("refresh", opts, false, async (ctx) => {
      await ctx.stack.refresh({ message: ctx.message, onEvent: ctx.onEvent, showSecrets: false, ...signal(ctx) });
    });
  }

  /** Refused while any resource is protected: protection is lifted in fleet.yaml and
   *  applied with `up` first, so a destroy can never take a protected node by surprise. */
  destroy(opts: RunOptions = {}): Promise<Report> {
    return this.runner.run("destroy", opts, false, async (ctx) => {
      const resources = stateResources(await ctx.stack.exportStack());
      const nodes = protectedNodes(resources);
      const others = resources.filter((r) => r.protect && !nodeResourceOf(r.urn));
      if (nodes.length > 0 || others.length > 0) {
        const what = [nodes.length ? `protected nodes ${nodes.join(", ")}` : "", ...others.map((r) => r.urn)].filter(Boolean).join(", ");
        // prd nodes are always protected (src/fleet/rules/prd-protected.ts): they leave one
        // reviewed removal at a time, unprotected in the state for that deployment only.
        const unprotect = nodes.some(isPrd) ? [
          "prd nodes stay protected: remove them from the fleet file in a pull request and follow the steps `fleet diff` prints " +
            `(an admin lifts the protection of exactly those resources in the state), then deploy with \`fleet up --stack ${this.options.stack}\``,
        ] : [
          `set \`protect: false\` on those nodes in the fleet file (or node-fleet:protect: false in Pulumi.${this.options.stack}.yaml)`,
          `run \`fleet up --stack ${this.options.stack}\` so the state and the servers drop their protection`,
        ];
        throw new OperationRefusedError(`stack ${this.options.stack} has ${what}; nothing was destroyed`, ctx.correlationId,
          [...unprotect, `run \`fleet destroy --stack ${this.options.stack}\` again`]);
      }
      await ctx.stack.destroy({ message: ctx.message, onEvent: ctx.onEvent, showSecrets: false, ...signal(ctx) });
    });
  }

  /** Replaces the node's server and re-runs everything that follows it (reverse DNS, DNS
   *  records, provisioning, registration), and nothing else in the stack: the host key,
   *  the server and the provisioning step are `replace` targets (a new server, a new
   *  user-data host key), their dependents from the state are `target`s. A protected node is refused unless `overrideProtection` is given; then
   *  those resources are unprotected in the state first (the program protects them again
   *  in this same update), and the audit records carry the override and its reason.
   *  Hetzner's own protection of the old server is lifted for the update and given back
   *  on every way out that leaves the old server standing: a failed or refused step, a
   *  crashed CLI, SIGINT/SIGTERM/SIGHUP (held until it is back, see holdSignals); the
   *  new server gets it from the program. */
  async rebuildNode(hostname: string, opts: RebuildOptions = {}): Promise<Report> {
    const held = holdSignals(opts.signal);
    try {
      return await this.runner.run("rebuild", { ...opts, signal: held.signal }, false, (ctx) => this.rebuild(ctx, hostname, opts, held), hostname);
    } finally {
      held.release();
    }
  }

  private async rebuild(ctx: Context, hostname: string, opts: RebuildOptions, held: HeldSignals): Promise<void> {
    if (!("name" in parseHostname(hostname))) {
      throw new OperationRefusedError(`"${hostname}" is not a node hostname (e.g. prd-sha-het-de-fsn1-001)`, ctx.correlationId);
    }
    const resources = stateResources(await ctx.stack.exportStack());
    const mine = nodeResources(resources, hostname);
    const server = mine.get("server");
    if (!server) {
      throw new OperationRefusedError(`node ${hostname} has no server in stack ${this.options.stack}`, ctx.correlationId,
        [`check the hostname (\`fleet outputs --stack ${this.options.stack}\` lists the nodes)`, "a node not deployed yet is created by `fleet up`"]);
    }
    // The host key goes with the server (HostingNode serverLife): a rebuilt server that
    // booted with its predecessor's user-data key would be pinned on a key an earlier
    // life may have leaked. Everything that follows the server depends on it too.
    const hostKey = mine.get("host-key");
    const targets = withDependents(resources, hostKey?.urn ?? server.urn);
    const guarded = targets.filter((r) => r.protect).map((r) => r.urn);
    const hetznerId = server.type === HCLOUD_SERVER_TYPE && server.providerProtected ? server.id : undefined;
    if ((guarded.length > 0 || hetznerId) && !opts.overrideProtection?.reason.trim()) {
      throw new OperationRefusedError(`node ${hostname} is protected; nothing was rebuilt`, ctx.correlationId, [
        "rebuild it anyway with an explicit override and a reason (library: overrideProtection: { reason }; CLI: --override-protection REASON)",
        isPrd(hostname)
          ? "or bump its `rebuild` counter in the fleet file in a pull request and follow the steps `fleet diff` prints (prd nodes stay protected)"
          : `or set \`protect: false\` on it in the fleet file, run \`fleet up --stack ${this.options.stack}\`, then rebuild it`,
      ]);
    }
    const access = hetznerId ? await this.hcloudAccess(ctx) : undefined;
    if (opts.overrideProtection && (guarded.length > 0 || hetznerId)) {
      ctx.override(opts.overrideProtection.reason.trim(), guarded, hetznerId ? [`hcloud server ${hetznerId}`] : []);
    }
    const stopIfInterrupted = () => {
      const signal = held.received();
      if (signal) {
        throw new OperationRefusedError(`${signal} received before the update started; nothing was rebuilt`, ctx.correlationId,
          guarded.length > 0 ? [`the state protection lifted for it comes back with the next \`fleet up --stack ${this.options.stack}\``] : []);
      }
    };
    stopIfInterrupted();
    if (guarded.length > 0) {
      await runPulumi(this.runner.cliOrThrow(), { projectDir: this.runner.projectDir, stack: this.options.stack, env: this.runner.env, correlationId: ctx.correlationId },
        ["state", "unprotect", "--yes", "--stack", this.options.stack, ...guarded]);
    }
    const replace = [hostKey?.urn, server.urn, mine.get("provision")?.urn].filter((u): u is string => u !== undefined);
    let lifted = false;
    let replaced = false;
    try {
      stopIfInterrupted();
      if (access && hetznerId) {
        // Set before the request: one that times out may still have been applied.
        lifted = true;
        await setServerProtection(access, hetznerId, false);
      }
      stopIfInterrupted();
      await ctx.stack.up({
        message: ctx.message, onEvent: ctx.onEvent, replace, target: targets.map((r) => r.urn), showSecrets: false, ...signal(ctx),
      });
      replaced = true;
    } finally {
      // The old server may still be there: give it its Hetzner protection back.
      if (lifted && !replaced && access && hetznerId) {
        await setServerProtection(access, hetznerId, true).then(
          (outcome) => ctx.notice(outcome === "gone" ? `server ${hetznerId} is gone at Hetzner; nothing to protect again`
            : `server ${hetznerId} is protected at Hetzner again`),
          (e: unknown) => ctx.notice(`server ${hetznerId} could not be protected again at Hetzner (${e instanceof Error ? e.message : String(e)}); ` +
            `protect it: \`hcloud server enable-protection ${hostname} delete rebuild\``));
      }
    }
  }

  /** Re-runs the node's provisioning step and nothing else, with the playbook run in
   *  full: the step is the only `replace` and `target`, so the command provider's Create
   *  runs ansible/bin/provision again (the step has no delete command, so the replaced
   *  one's delete does nothing), and NODE_FORCE_PROVISION in the CLI's environment makes
   *  the script ignore the configuration digest the node recorded. That variable reaches
   *  the script the way NODE_CORRELATION_ID does (see openStack), never as an input, so
   *  the next ordinary `up` sees no change. A protected node's step is protected too, and
   *  the engine refuses to replace a resource protected in both the state and the program
   *  (pulumi pkg/resource/deploy/step_generator.go, "unable to replace resource … marked
   *  for protection"), so that one step is unprotected in the state first; the program
   *  protects it again in this same update. The server is never touched. A created step
   *  is handed no previous output, where provisioning keeps the host key it rotated in, so
   *  that key goes in the same way (NODE_PINNED_HOST_KEY, from the node's outputs). */
  reprovisionNode(hostname: string, opts: RunOptions = {}): Promise<Report> {
    return this.runner.run("reprovision", opts, false, async (ctx) => {
      if (!("name" in parseHostname(hostname))) {
        throw new OperationRefusedError(`"${hostname}" is not a node hostname (e.g. prd-sha-het-de-fsn1-001)`, ctx.correlationId);
      }
      const deployment = await ctx.stack.exportStack();
      const provision = nodeResources(stateResources(deployment), hostname).get("provision");
      if (!provision) {
        throw new OperationRefusedError(`node ${hostname} has no provisioning step in stack ${this.options.stack}`, ctx.correlationId,
          ["a node not deployed yet is created by `fleet up`"]);
      }
      if (provision.protect) {
        ctx.notice(`${provision.urn} is unprotected in the state for this update; the program protects it again`);
        await runPulumi(this.runner.cliOrThrow(), { projectDir: this.runner.projectDir, stack: this.options.stack, env: this.runner.env, correlationId: ctx.correlationId },
          ["state", "unprotect", "--yes", "--stack", this.options.stack, provision.urn]);
      }
      // This workspace is this operation's own (the runner opens one per operation).
      ctx.stack.workspace.envVars[FORCE_PROVISION_ENV] = "1";
      const pin = nodeHostKeyPin(deployment, hostname);
      if (pin) ctx.stack.workspace.envVars[PINNED_HOST_KEY_ENV] = pinLine(pin.serverId, pin.hostKey);
      await ctx.stack.up({
        message: ctx.message, onEvent: ctx.onEvent, replace: [provision.urn], target: [provision.urn], showSecrets: false, ...signal(ctx),
      });
    }, hostname);
  }

  /** A preview (shown to nobody) names the servers the change deletes; only a stack that
   *  records Hetzner-protected servers needs one. Hetzner is asked, not the state: an
   *  admin lifts the protection with `hcloud server disable-protection`, which the state
   *  does not see. */
  private async refuseWhileHetznerProtects(ctx: Context, deployment?: Deployment): Promise<void> {
    const resources = stateResources(deployment ?? await ctx.stack.exportStack());
    if (!resources.some((r) => r.type === HCLOUD_SERVER_TYPE && r.providerProtected)) return;
    const events: EngineEvent[] = [];
    await ctx.stack.preview({ message: `${ctx.message} (preflight)`, onEvent: (e) => events.push(e), ...signal(ctx) });
    const deleted = serversTheChangeDeletes(events, resources);
    if (deleted.length === 0) return;
    const access = await this.hcloudAccess(ctx);
    const guarded: string[] = [];
    for (const server of deleted) {
      if (await hetznerDeleteProtected(access, server.id!)) guarded.push(nodeResourceOf(server.urn)?.hostname ?? server.urn);
    }
    if (guarded.length === 0) return;
    throw new OperationRefusedError(`Hetzner still protects ${guarded.join(", ")}, which this deployment rebuilds or removes; nothing was changed`,
      ctx.correlationId, [
        ...guarded.map((name) => `lift it just before deploying: \`hcloud server disable-protection ${name} delete rebuild\``),
        `then run \`fleet up --stack ${this.options.stack}\` again (the deployment protects what it creates again)`,
      ]);
  }

  /** Runs a task on one node (over SSH, with what the stack's outputs hold) as an
   *  operation of its own: a correlation id, events, and audit records as for any other.
   *  The task gets the outputs' values, secrets in clear, and must keep them to itself;
   *  it refuses by throwing OperationRefusedError. Nothing in the stack changes. */
  async onNode<T>(operation: "restore" | "restore-drill", hostname: string, opts: RunOptions,
    task: (outputs: Readonly<Record<string, unknown>>, ctx: NodeTaskContext) => Promise<T>): Promise<{ report: Report; result: T }> {
    let result: T | undefined;
    const report = await this.runner.run(operation, opts, false, async (ctx) => {
      if (!("name" in parseHostname(hostname))) {
        throw new OperationRefusedError(`"${hostname}" is not a node hostname (e.g. prd-sha-het-de-fsn1-001)`, ctx.correlationId);
      }
      const outputs = Object.fromEntries(Object.entries(await ctx.stack.outputs()).map(([k, o]) => [k, o.value as unknown]));
      result = await task(outputs, { correlationId: ctx.correlationId, notice: ctx.notice });
    }, hostname);
    return { report, result: result as T };
  }

  /** The Hetzner API token the stack's provider uses (`hcloud:token`, else HCLOUD_TOKEN). */
  private async hcloudAccess(ctx: Context): Promise<HcloudAccess> {
    const configured = await ctx.stack.getConfig("hcloud:token").catch(() => undefined);
    const token = configured?.value || this.runner.env.HCLOUD_TOKEN;
    if (!token) {
      throw new OperationRefusedError("the server's Hetzner delete protection must be checked or lifted for this change, and no Hetzner token is set",
        ctx.correlationId, [`set it with \`pulumi config set --secret hcloud:token … --stack ${this.options.stack}\` or in HCLOUD_TOKEN`]);
    }
    return { endpoint: this.runner.env.HCLOUD_ENDPOINT || HCLOUD_API, token };
  }

  /** A refresh preview: the resources whose real state differs from the recorded state;
   *  and, read from Hetzner itself, what the program protects there and is not protected
   *  now (a refresh would record that as the new truth, and a plain `up` never sees it). */
  async drift(opts: RunOptions = {}): Promise<DriftReport> {
    const events: EngineEvent[] = [];
    let protection = { gaps: [] } as ProtectionCheck;
    const report = await this.runner.run("drift", opts, false, async (ctx) => {
      await ctx.stack.previewRefresh({
        message: ctx.message, onEvent: (e) => { events.push(e); ctx.onEvent(e); }, ...signal(ctx),
      });
      protection = await this.protectionOf(ctx.stack);
    });
    const drifted = driftFromEvents(events);
    const protectionOff = "gaps" in protection ? protection.gaps : [];
    const driftedNodes = [...new Set([...drifted, ...protectionOff].flatMap((d) => (d.hostname ? [d.hostname] : [])))].sort();
    return { ...report, drifted, protectionOff, ...("unchecked" in protection ? { protectionUnchecked: protection.unchecked } : {}), driftedNodes };
  }

  /** What the program protects at Hetzner and Hetzner does not protect now, for
   *  `fleet health`, which asks every round: no update, no audit record. */
  async hetznerProtection(): Promise<ProtectionCheck> {
    return this.protectionOf(await this.runner.open(correlationIdFor(), false));
  }

  private async protectionOf(stack: Stack): Promise<ProtectionCheck> {
    const resources = stateResources(await stack.exportStack());
    if (!recordsHetznerProtection(resources)) return { gaps: [] };
    const configured = await stack.getConfig("hcloud:token").catch(() => undefined);
    const token = configured?.value || this.runner.env.HCLOUD_TOKEN;
    if (!token) return { unchecked: `no Hetzner token: set hcloud:token in stack ${this.options.stack} or HCLOUD_TOKEN` };
    try {
      return { gaps: protectionGaps(resources, await readHetznerProtection({ endpoint: this.runner.env.HCLOUD_ENDPOINT || HCLOUD_API, token })) };
    } catch (err) {
      return { unchecked: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The stack's outputs; secret ones read "[secret]" unless `showSecrets`. */
  async outputs(opts: { showSecrets?: boolean } = {}): Promise<Record<string, unknown>> {
    const stack = await this.runner.open(correlationIdFor(), false);
    return visibleOutputs(await stack.outputs(), opts.showSecrets ?? false);
  }

  /** The latest updates first, without secret values. */
  async history(limit = 20): Promise<UpdateSummary[]> {
    const stack = await this.runner.open(correlationIdFor(), false);
    return stack.history(limit, 1, false);
  }
}

function signal(ctx: Context): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

function visibleOutputs(outputs: OutputMap, showSecrets = false): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret && !showSecrets ? "[secret]" : o.value]));
}

/** Whether a hostname names a prd node. */
function isPrd(hostname: string): boolean {
  const parsed = parseHostname(hostname);
  return "name" in parsed && parsed.name.env === "prd";
}
