import type { Budgets } from "./budgets";

/** Safeguards. Defaults follow GKE node auto-repair and Cluster API's
 *  MachineHealthCheck: a startup grace, a condition held for a while before acting,
 *  a cap on how much of the fleet may be unhealthy for repairs to go on. */
export interface Safeguards {
  /** Minutes after a node is created or rebuilt during which failures are not counted. */
  readonly graceMinutes: number;
  /** Consecutive failed rounds before an incident is confirmed … */
  readonly failures: number;
  /** … spanning at least this many minutes. */
  readonly failureMinutes: number;
  /** Largest share of the checked fleet that may look dead for recovery to act at all. */
  readonly maxUnhealthyShare: number;
  /** Recovery steps per incident (the ladder has at most three). */
  readonly maxAttempts: number;
  /** Wait after the first step before the next; doubles after each. */
  readonly backoffMinutes: number;
  /** Limits over time; DEFAULT_BUDGETS when not given. */
  readonly budgets?: Budgets;
}

export const DEFAULT_SAFEGUARDS: Safeguards = {
  graceMinutes: 40, failures: 3, failureMinutes: 5, maxUnhealthyShare: 0.25, maxAttempts: 3, backoffMinutes: 10,
};
