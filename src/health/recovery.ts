import type { HealthEvent, Step } from "../events/health-event";
import { ACTION_MEMORY_MS, DEFAULT_BUDGETS, ledgerExceeded, type Budgets, type ProviderLedger } from "./budgets";
import type { PlannedStep } from "./recovery-plan";
import type { SecondOpinion, ServerActivity } from "./second-opinion";
import { RECOVERY_SNAPSHOT_DESCRIPTION, SNAPSHOT_NODE_LABEL, type SnapshotStore } from "./snapshot-retention";

/** Which incident a step belongs to, handed to every operation so its own audit
 *  records carry the same ids. */
export interface StepContext {
  readonly incidentId: string;
  readonly correlationId: string;
}

/** What the Automation API library (src/automation) provides to recovery: an
 *  idempotent re-run of a node's provisioning step, and a rebuild of its server
 *  (as bumping its `rebuild` generation and deploying would). Each resolves to a
 *  one-line description of what it did, or rejects with why it failed. */
export interface NodeOperations {
  reprovision(hostname: string, ctx: StepContext): Promise<string>;
  rebuild(hostname: string, ctx: StepContext): Promise<string>;
  /** Restores a rebuilt node's domains from its off-node backup and resolves only once
   *  every restored domain answers (src/restore); absent when nothing restores here. */
  restore?(hostname: string, ctx: StepContext): Promise<string>;
}

/** Provider operations (src/health/hetzner.ts). */
export interface MachineOperations {
  powerCycle(hostname: string): Promise<string>;
  snapshot(hostname: string, description: string, labels: Record<string, string>): Promise<string>;
  /** Whether the provider itself has rebuild protection on for the server. */
  rebuildProtected(hostname: string): Promise<boolean>;
  /** The server's power status and recent network activity, as the provider sees it. */
  activity(hostname: string): Promise<ServerActivity>;
  /** What the provider recorded of recovery's destructive steps since `since` (ms). */
  ledger(hostname: string, since: number): Promise<ProviderLedger>;
}

/** What recovery can do here; a missing part takes its steps off the ladder. */
export interface RecoveryActions {
  readonly nodes?: NodeOperations;
  /** Why `nodes` is missing, when that is known (the Pulumi CLI is not installed). */
  readonly nodesUnavailable?: string;
  readonly machines?: MachineOperations;
  /** Where old recovery snapshots are deleted (the same Hetzner token). */
  readonly snapshots?: SnapshotStore;
  /** The second probe path, asked right before a power-cycle or rebuild (monitor.ts
   *  secondPathOf): without its `down`, neither runs. */
  readonly secondPath?: (hostname: string) => Promise<SecondOpinion>;
}

/** Steps that cannot run with these actions, and why. */
export function unavailableSteps(actions: RecoveryActions): Partial<Record<Step, string>> {
  const noNodes = actions.nodesUnavailable ?? "not connected: needs the Automation API library (src/automation)";
  const noMachines = "no Hetzner API token (set HCLOUD_TOKEN)";
  return {
    ...(actions.nodes ? {} : { reprovision: noNodes }),
    ...(actions.machines ? {} : { power_cycle: noMachines }),
    ...(!actions.nodes ? { rebuild: noNodes } : !actions.machines ? { rebuild: `${noMachines}, needed for the snapshot before a rebuild` } : {}),
  };
}

/** A step that could not start now and changed nothing (a deployment holds the stack's
 *  lock): "not now", never "the node is broken", so the ladder stays on its rung. */
export class NotNowError extends Error {
  override readonly name = "NotNowError";
}

/** A rebuild that replaced the server but did not bring the node's data back: the
 *  node may answer every check while its customers' domains are gone. */
export class DataNotRestoredError extends Error {
  override readonly name = "DataNotRestoredError";
}

/** A step's result. */
export interface StepOutcome extends PlannedStep {
  readonly ok: boolean;
  readonly detail: string;
  /** The step did not start (NotNowError): it counts as no attempt. */
  readonly deferred?: boolean;
  /** The server was rebuilt, but the restore failed (DataNotRestoredError). */
  readonly unrestored?: boolean;
}

/** Runs the planned steps (already capped by the plan) at once, and records every
 *  action as an event with the incident's ids. A rebuild runs only after its
 *  snapshot has completed and the provider confirms rebuild protection is off. */
export async function executeSteps(steps: readonly PlannedStep[], actions: RecoveryActions, clock: () => number,
  budgets: Budgets = DEFAULT_BUDGETS): Promise<{ outcomes: StepOutcome[]; events: HealthEvent[] }> {
  const events: HealthEvent[] = [];
  const record = (s: PlannedStep, step: Step, ok: boolean, message: string) =>
    events.push({ type: "recovery.step", at: clock(), hostname: s.hostname, message, incidentId: s.incidentId, correlationId: s.correlationId, step, ok, kind: "down" });
  const outcomes = await Promise.all(steps.map(async (s): Promise<StepOutcome> => {
    const ctx = { incidentId: s.incidentId, correlationId: s.correlationId };
    try {
      const detail = await runStep(s, ctx, actions, (message) => record(s, s.step, true, message), clock, budgets);
      record(s, s.step, true, detail);
      return { ...s, ok: true, detail };
    } catch (err) {
      const deferred = err instanceof NotNowError;
      const detail = deferred ? `not now: ${(err as Error).message}; the step is tried again later` : (err as Error).message;
      record(s, s.step, false, detail);
      return { ...s, ok: false, detail, ...(deferred ? { deferred } : {}), ...(err instanceof DataNotRestoredError ? { unrestored: true } : {}) };
    }
  }));
  return { outcomes, events };
}

async function runStep(s: PlannedStep, ctx: StepContext, actions: RecoveryActions, progress: (message: string) => void,
  clock: () => number, budgets: Budgets): Promise<string> {
  const { nodes, machines } = actions;
  if (s.step === "reprovision") {
    if (!nodes) throw new Error(unavailableSteps(actions).reprovision);
    return nodes.reprovision(s.hostname, ctx);
  }
  if (!machines) throw new Error(unavailableSteps(actions).power_cycle);
  // The budgets once more, on the provider's record: another watcher of the stack (another
  // state directory, another machine) may have spent them where this one cannot see.
  const now = clock();
  const ledger = await machines.ledger(s.hostname, now - ACTION_MEMORY_MS).catch((err: unknown) => {
    throw new NotNowError(`Hetzner's record of recovery could not be read (${err instanceof Error ? err.message : String(err)})`);
  });
  const spent = ledgerExceeded(s.hostname, s.step, ledger, now, budgets);
  if (spent) throw new NotNowError(spent);
  const what = s.step.replace("_", "-");
  const opinion: SecondOpinion = actions.secondPath ? await actions.secondPath(s.hostname) : { unsure: "no second probe path is set up" };
  if ("alive" in opinion) throw new Error(`not ${what}: ${opinion.alive}; a person must look at the first path (routing, the checker's network)`);
  if ("unsure" in opinion) throw new Error(`not ${what}: no second path confirms the node is down (${opinion.unsure}); a person must look`);
  progress(`second path: ${opinion.down}`);
  if (s.step === "power_cycle") return machines.powerCycle(s.hostname);
  if (!nodes) throw new Error(unavailableSteps(actions).rebuild);
  if (await machines.rebuildProtected(s.hostname)) throw new Error("not rebuilt: the server has rebuild protection on at the provider");
  let snapshot: string;
  try {
    snapshot = await machines.snapshot(s.hostname, `${RECOVERY_SNAPSHOT_DESCRIPTION} ${s.incidentId}`,
      { "managed-by": "node-fleet", "node-fleet-correlation": s.correlationId, [SNAPSHOT_NODE_LABEL]: s.hostname });
  } catch (err) {
    throw new Error(`not rebuilt: the snapshot before the rebuild failed: ${(err as Error).message}`);
  }
  progress(`before rebuild: ${snapshot}`);
  const rebuilt = `${await nodes.rebuild(s.hostname, ctx)} (after ${snapshot})`;
  if (!nodes.restore) return rebuilt;
  // A rebuilt disk is empty: the step succeeds only once the domains are back and answer.
  progress(rebuilt);
  try {
    return `${rebuilt}; ${await nodes.restore(s.hostname, ctx)}`;
  } catch (err) {
    throw new DataNotRestoredError(`${rebuilt}, but its data was not restored: ${(err as Error).message}; ${snapshot} is the fallback`);
  }
}
