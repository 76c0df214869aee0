import type { Step } from "../events/health-event";
import type { NodeRecord } from "./model";

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** How much recovery may do over time. A flapping node, or someone who makes one look
 *  down, must not turn the ladder into a stream of resets and rebuilds: each window
 *  counts every step taken, whatever incident it belonged to. */
export interface Budgets {
  /** Re-provisions of one node per 24 hours. */
  readonly reprovisionsPerDay: number;
  /** Power-cycles (hard resets) of one node per 24 hours. */
  readonly powerCyclesPerDay: number;
  /** Rebuilds of one node per 7 days. */
  readonly rebuildsPerWeek: number;
  /** Power-cycles and rebuilds of the whole fleet per 24 hours. */
  readonly fleetDestructivePerDay: number;
}

export const DEFAULT_BUDGETS: Budgets = { reprovisionsPerDay: 3, powerCyclesPerDay: 1, rebuildsPerWeek: 1, fleetDestructivePerDay: 3 };

/** Steps that take a running server away (a reset loses what is in memory, a rebuild the disk). */
export const DESTRUCTIVE: ReadonlySet<Step> = new Set(["power_cycle", "rebuild"]);

/** The longest window a budget looks back over: older actions can be forgotten. */
export const ACTION_MEMORY_MS = WEEK;

const PER_NODE: Record<Step, { limit: (b: Budgets) => number; window: number; label: string }> = {
  reprovision: { limit: (b) => b.reprovisionsPerDay, window: DAY, label: "re-provisions a day" },
  power_cycle: { limit: (b) => b.powerCyclesPerDay, window: DAY, label: "power-cycles a day" },
  rebuild: { limit: (b) => b.rebuildsPerWeek, window: WEEK, label: "rebuilds a week" },
};

/** Why `step` may not run on `record`'s node now, if it may not: its own budget, or the
 *  fleet's destructive budget (actions already taken, plus `plannedDestructive` this round). */
export function budgetExceeded(record: NodeRecord, step: Step, fleet: readonly NodeRecord[], plannedDestructive: number, now: number,
  budgets: Budgets): string | undefined {
  const rule = PER_NODE[step];
  const taken = record.actions.filter((a) => a.step === step && a.at > now - rule.window).length;
  if (taken >= rule.limit(budgets)) return `budget: ${taken} of ${rule.limit(budgets)} ${rule.label} used`;
  if (!DESTRUCTIVE.has(step)) return undefined;
  const fleetTaken = fleet.flatMap((r) => r.actions).filter((a) => DESTRUCTIVE.has(a.step) && a.at > now - DAY).length + plannedDestructive;
  if (fleetTaken >= budgets.fleetDestructivePerDay) {
    return `fleet budget: ${fleetTaken} of ${budgets.fleetDestructivePerDay} power-cycles and rebuilds a day used`;
  }
  return undefined;
}

/** What the provider itself recorded of recovery's destructive steps, whoever took them:
 *  every watcher of the stack, from any state directory or machine, acts on the same
 *  servers and images, so this record cannot be split between watchers as their own
 *  state files can. */
export interface ProviderLedger {
  /** When the node's server was reset (Hetzner's `reset_server` actions), newest first. */
  readonly resets: readonly number[];
  /** Recovery's snapshots, each taken right before one rebuild (any node of the project). */
  readonly rebuilds: readonly { readonly hostname: string; readonly at: number }[];
}

/** The budgets checked once more against the provider's record, right before a power-cycle
 *  or rebuild: why it may not run now, if it may not. */
export function ledgerExceeded(hostname: string, step: Step, ledger: ProviderLedger, now: number, budgets: Budgets): string | undefined {
  if (!DESTRUCTIVE.has(step)) return undefined;
  const rule = PER_NODE[step];
  const taken = step === "power_cycle"
    ? ledger.resets.filter((at) => at > now - rule.window).length
    : ledger.rebuilds.filter((r) => r.hostname === hostname && r.at > now - rule.window).length;
  if (taken >= rule.limit(budgets)) return `budget (Hetzner's record): ${taken} of ${rule.limit(budgets)} ${rule.label} used`;
  const fleetTaken = ledger.rebuilds.filter((r) => r.at > now - DAY).length + ledger.resets.filter((at) => at > now - DAY).length;
  if (fleetTaken >= budgets.fleetDestructivePerDay) {
    return `fleet budget (Hetzner's record): ${fleetTaken} of ${budgets.fleetDestructivePerDay} power-cycles and rebuilds a day used`;
  }
  return undefined;
}
