import { channelsFromEnv } from "../notify/channels";
import { DEFAULT_RATE_LIMITS } from "../notify/limiter";
import { notifyDeployment } from "../notify/notifier";
import { splitDeferred, type Deferral } from "../rollout/deferral";
import { remainingWaves, type RolloutRecord } from "../rollout/progress";
import { RolloutSettingsSchema, type RolloutSettings } from "../rollout/settings";
import { planWaves, type Wave } from "../rollout/waves";
import { correlationIdFor } from "./correlation";
import { OperationFailedError } from "./errors";
import type { FleetEvent } from "./events";
import { changesOf, desiredFleet, type DesiredFleet } from "./rollout-changes";
import { RolloutStore } from "./rollout-store";
import { OperationRunner, type FleetAutomationOptions, type RunOptions } from "./runner";

export interface RolloutOptions extends Omit<RunOptions, "incidentId"> {
  /** The stack's state directory: the rollout's record and lock live there. */
  readonly stateDir: string;
  /** Waves, failure budget and soak time; the rest from the defaults (src/rollout/settings.ts). */
  readonly settings?: Partial<RolloutSettings>;
  /** Nodes left out of this rollout (`--exclude HOST`). */
  readonly exclude?: readonly string[];
  /** Open incidents by hostname (the health store's); those nodes are deferred. */
  readonly openIncidents?: () => Promise<ReadonlyMap<string, string>>;
  /** The health gate of a wave, after its soak: the wave's nodes that are unhealthy, with why. */
  readonly checkWave?: (hosts: readonly string[]) => Promise<Readonly<Record<string, string>>>;
  /** One line per step, for a person watching. */
  readonly onProgress?: (line: string) => void;
  /** What the fleet file declares now; default: read from the project (src/program.ts alike). */
  readonly desired?: DesiredFleet;
}

export interface WaveResult extends Wave {
  /** Nodes of the wave that failed, with what failed. */
  readonly failed: Readonly<Record<string, string>>;
  /** Seconds the wave's targeted deployment took. */
  readonly deploymentSeconds: number;
}

export interface RolloutReport {
  readonly stack: string;
  readonly correlationId: string;
  /** `nothing`: no deployed node's configuration changes. */
  readonly state: "finished" | "halted" | "nothing";
  /** Whether this run continued a halted one. */
  readonly resumed: boolean;
  readonly planned: readonly Wave[];
  readonly waves: readonly WaveResult[];
  readonly deferred: readonly Deferral[];
  readonly haltedBecause?: string;
  /** Nodes' provisioning steps left out, for a deployment that must not re-provision them yet. */
  readonly deferredUrns: readonly string[];
  readonly durationSeconds: number;
}

/** The wave lost more nodes than it tolerates. */
class OverBudget extends Error {}

/** Applies a change that re-provisions nodes wave by wave (docs/rollout.md): the deployed
 *  nodes whose configuration digest changes, less those deferred, in waves planned by
 *  src/rollout; each wave one targeted `pulumi up` of exactly its nodes' provisioning
 *  steps, then the validation role's result (the step fails with it), the soak time and
 *  the health gate. More failed nodes than the wave tolerates halts the rollout: the
 *  record in the state directory keeps where, the channels are told, and the remaining
 *  nodes are not touched; the next run resumes there under the same correlation id.
 *  One rollout per stack at a time (RolloutLockedError otherwise). */
export async function rollout(fleetOptions: FleetAutomationOptions, opts: RolloutOptions): Promise<RolloutReport> {
  const started = Date.now();
  const settings = RolloutSettingsSchema.parse(opts.settings ?? {});
  const store = new RolloutStore(opts.stateDir, fleetOptions.stack);
  const release = store.lock();
  try {
    const previous = store.load();
    const resumed = previous !== undefined && previous.state !== "finished";
    const correlationId = resumed ? previous.correlationId : correlationIdFor(opts.correlationId);
    const runner = new OperationRunner(fleetOptions);
    const progress = opts.onProgress ?? (() => undefined);
    const deployment = await (await runner.open(correlationId, false)).exportStack();
    const { steps, conditions } = changesOf(deployment, opts.desired ?? desiredFleet(runner.projectDir, fleetOptions.stack));
    const incidents = (await opts.openIncidents?.()) ?? new Map<string, string>();
    const withIncidents = conditions.map((c) => ({ ...c, ...(incidents.has(c.hostname) ? { openIncident: incidents.get(c.hostname)! } : {}) }));
    const { eligible, deferred } = splitDeferred(steps.map((s) => s.hostname), withIncidents, opts.exclude ?? []);
    const urnOf = new Map(steps.map((s) => [s.hostname, s.urn]));
    const deferredUrns = deferred.map((d) => urnOf.get(d.hostname)!);
    const planned = resumed ? remainingWaves(previous, eligible, settings) : planWaves(eligible, settings);
    const seconds = () => Math.round((Date.now() - started) / 100) / 10;
    const base = { stack: fleetOptions.stack, correlationId, resumed, planned, deferred, deferredUrns };
    for (const d of deferred) progress(`deferred ${d.hostname}: ${d.reason}`);
    if (planned.length === 0) {
      progress(`no deployed node of stack ${fleetOptions.stack} is re-provisioned by this change${resumed ? " (the halted rollout is complete)" : ""}`);
      if (resumed) store.save({ ...previous, state: "finished" });
      return { ...base, state: "nothing", waves: [], durationSeconds: seconds() };
    }
    progress(`${resumed ? "resuming" : "rolling out"} stack ${fleetOptions.stack} (correlation ${correlationId}): ${eligible.length} nodes in ${planned.length} waves ` +
      `(${planned.map((w) => `${w.name} ${w.hosts.length}`).join(", ")})`);
    let record: RolloutRecord = {
      version: 1, stack: fleetOptions.stack, correlationId, startedAt: resumed ? previous.startedAt : new Date(started).toISOString(),
      state: "running", waves: planned.map((w) => ({ ...w, hosts: [...w.hosts] })), wavesDone: 0, failed: resumed ? previous.failed : {},
    };
    store.save(record);
    const waves: WaveResult[] = [];
    for (const wave of planned) {
      const label = `wave ${wave.number}/${planned.length} (${wave.name})`;
      progress(`${label}: ${wave.hosts.length} node${wave.hosts.length === 1 ? "" : "s"}, ${wave.tolerated} may fail`);
      const failed: Record<string, string> = {};
      // Only while the engine runs: an operation that ends failed closes every phase still
      // open as failed, which says nothing about those nodes.
      let deploying = true;
      const onEvent = (event: FleetEvent) => {
        opts.onEvent?.(event);
        const host = event.kind === "phase" ? event.hostname : event.kind === "resource" ? event.node : undefined;
        if (!deploying || !host || !wave.hosts.includes(host)) return;
        if (event.kind === "phase" && event.state === "failed") failed[host] ??= event.message ?? `${event.label} failed`;
        if (event.kind === "resource" && event.state === "failed") failed[host] ??= "provisioning failed";
      };
      let deploymentSeconds = 0;
      const judge = (stage: string) => {
        const count = Object.keys(failed).length;
        if (count > wave.tolerated) {
          throw new OverBudget(`${label}: ${count} of ${wave.hosts.length} nodes failed ${stage}, ${wave.tolerated} tolerated: ` +
            Object.entries(failed).map(([h, why]) => `${h} (${why})`).join(", "));
        }
      };
      try {
        await runner.run("rollout", { correlationId, message: `${opts.message ?? "fleet rollout"} ${label}`, onEvent, ...(opts.signal ? { signal: opts.signal } : {}) }, false, async (ctx) => {
          const deployStarted = Date.now();
          try {
            await ctx.stack.up({ message: ctx.message, onEvent: ctx.onEvent, target: wave.hosts.map((h) => urnOf.get(h)!), showSecrets: false,
              ...(ctx.signal ? { signal: ctx.signal } : {}) });
          } catch (err) {
            // A failure no node of the wave accounts for (the lock, the backend) is the operation's.
            if (Object.keys(failed).length === 0) throw err;
          } finally {
            deploying = false;
            deploymentSeconds = (Date.now() - deployStarted) / 1000;
          }
          judge("provisioning or validation");
          if (opts.checkWave) {
            if (settings.soakSeconds > 0) {
              progress(`${label}: deployed; soaking ${settings.soakSeconds}s before the health round`);
              await (fleetOptions.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(settings.soakSeconds * 1000);
            }
            const healthy = wave.hosts.filter((h) => !failed[h]);
            for (const [host, why] of Object.entries(await opts.checkWave(healthy))) failed[host] ??= `health: ${why}`;
            judge("the health round");
          }
        });
      } catch (err) {
        const reason = err instanceof OperationFailedError && err.cause instanceof OverBudget ? err.cause.message
          : `${label}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
        waves.push({ ...wave, failed, deploymentSeconds });
        record = { ...record, state: "halted", wavesDone: wave.number - 1, failed: { ...record.failed, ...failed }, haltedBecause: reason };
        store.save(record);
        progress(`HALTED ${reason}; the remaining nodes are untouched; resume with \`fleet rollout --stack ${fleetOptions.stack}\``);
        await tell(runner.env, false, `rollout of stack ${fleetOptions.stack} halted: ${reason} (correlation ${correlationId})`, correlationId, progress);
        return { ...base, state: "halted", waves, haltedBecause: reason, durationSeconds: seconds() };
      }
      waves.push({ ...wave, failed, deploymentSeconds });
      record = { ...record, wavesDone: wave.number, failed: { ...record.failed, ...failed } };
      store.save(record);
      const lost = Object.keys(failed).length;
      progress(`${label}: passed in ${deploymentSeconds.toFixed(1)}s${lost ? `, ${lost} failed within the budget: ${Object.keys(failed).join(", ")}` : ""}`);
    }
    store.save({ ...record, state: "finished" });
    await tell(runner.env, true, `rollout of stack ${fleetOptions.stack} finished: ${eligible.length} nodes in ${planned.length} waves (correlation ${correlationId})`,
      correlationId, progress);
    return { ...base, state: "finished", waves, durationSeconds: seconds() };
  } finally {
    release();
  }
}

/** Tells the environment's notification channels (FLEET_NOTIFY_*); a channel that fails is reported. */
async function tell(env: NodeJS.ProcessEnv, ok: boolean, summary: string, correlationId: string, progress: (line: string) => void): Promise<void> {
  const channels = channelsFromEnv(env);
  if (channels.length === 0) return;
  const delivery = await notifyDeployment({ hostname: "rollout", ok, summary, correlationId }, channels, {}, Date.now(), DEFAULT_RATE_LIMITS);
  for (const error of delivery.errors) progress(`notification failed: ${error}`);
}
