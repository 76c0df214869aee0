/** Limits on notifications, so a flapping node does not flood a channel. */
export interface RateLimits {
  /** The same kind of message about the same node is sent at most once per window. */
  readonly perKeyWindowMs: number;
  /** At most this many messages in total per hour (seed 001 NOTIFICATION_RATE_LIMIT). */
  readonly perHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perKeyWindowMs: 30 * 60_000, perHour: 10 };

/** Send times per key (`<hostname>|<type>`, and `*` for all), kept in the state
 *  file so limits hold across restarts and one-shot runs. */
export type LimiterMemory = Record<string, number[]>;

/** Decides which messages go out now: one flag per key, and the updated memory. Pure. */
export function admit(keys: readonly string[], memory: LimiterMemory, now: number, limits: RateLimits): {
  allowed: boolean[]; memory: LimiterMemory;
} {
  const hour = now - 3_600_000;
  const next: LimiterMemory = {};
  for (const [key, times] of Object.entries(memory)) {
    const kept = times.filter((t) => t > Math.min(hour, now - limits.perKeyWindowMs));
    if (kept.length > 0) next[key] = kept;
  }
  const allowed = keys.map((key) => {
    const all = (next["*"] ?? []).filter((t) => t > hour);
    const last = (next[key] ?? []).at(-1);
    if (last !== undefined && now - last < limits.perKeyWindowMs) return false;
    if (all.length >= limits.perHour) return false;
    next[key] = [...(next[key] ?? []), now];
    next["*"] = [...all, now];
    return true;
  });
  return { allowed, memory: next };
}
