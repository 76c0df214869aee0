import type { RolloutSettings } from "./settings";

/** The first wave's name: it tolerates no failure, also when a resumed rollout runs it again. */
export const CANARY = "canary";

/** One step of a rollout: the nodes re-provisioned together and how many may fail. */
export interface Wave {
  /** 1-based, in the order the waves run. */
  readonly number: number;
  readonly name: string;
  readonly hosts: readonly string[];
  /** Failed nodes the wave tolerates; one more halts the rollout. */
  readonly tolerated: number;
}

/** Nodes a wave may lose before the rollout halts: the budget's share of the wave, and
 *  at least one node, so a single flaky node of a small wave does not stop a fleet. The
 *  canary tolerates none: it exists to stop a bad change on its first node. */
export function toleratedFailures(size: number, budget: number, canary: boolean): number {
  if (canary) return 0;
  return Math.max(1, Math.floor(size * budget));
}

/** Splits the nodes to change into waves: the canary, then each configured share of all
 *  of them (at least one node each, rounded), then the rest. Hosts keep the given order
 *  (callers sort them), so a plan is the same on every run; empty waves are left out. */
export function planWaves(hosts: readonly string[], settings: RolloutSettings): Wave[] {
  const total = hosts.length;
  const sizes = [settings.canary, ...settings.waves.map((share) => Math.max(1, Math.round(share * total)))];
  const names = [CANARY, ...settings.waves.map((share) => `${+(share * 100).toFixed(2)}%`)];
  const waves: Wave[] = [];
  let next = 0;
  const add = (name: string, size: number, canary: boolean) => {
    const taken = hosts.slice(next, next + size);
    next += taken.length;
    if (taken.length > 0) {
      waves.push({ number: waves.length + 1, name, hosts: taken, tolerated: toleratedFailures(taken.length, settings.failureBudget, canary) });
    }
  };
  sizes.forEach((size, i) => add(names[i]!, size, i === 0));
  add("rest", total - next, false);
  return waves;
}
