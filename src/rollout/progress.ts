import { z } from "zod";
import { CANARY, toleratedFailures, type Wave } from "./waves";
import type { RolloutSettings } from "./settings";

const WaveSchema = z.strictObject({
  number: z.number().int().positive(), name: z.string(), hosts: z.array(z.string()), tolerated: z.number().int().min(0),
});

/** What a rollout keeps in the stack's state directory between its waves, so that a
 *  halted (or killed) rollout resumes where it stopped, under the same correlation id. */
export const RolloutRecordSchema = z.strictObject({
  version: z.literal(1),
  stack: z.string(),
  correlationId: z.string(),
  startedAt: z.string(),
  state: z.enum(["running", "halted", "finished"]),
  waves: z.array(WaveSchema),
  /** Waves that passed: the next run starts with the one after. */
  wavesDone: z.number().int().min(0),
  /** Nodes that failed, by hostname, with what failed. */
  failed: z.record(z.string(), z.string()),
  haltedBecause: z.string().optional(),
});
export type RolloutRecord = z.infer<typeof RolloutRecordSchema>;

/** The waves a resumed rollout runs: the recorded ones from the first that did not pass,
 *  each keeping only the nodes the change still has to reach (the engine recorded the
 *  new digest of every node that succeeded, so those drop out), with nodes the change
 *  reaches now that no recorded wave holds added to the last one. A node of a wave that
 *  passed is never run again (one that failed within the budget stays in `failed` for a
 *  person to look at). Renumbered from 1. */
export function remainingWaves(record: RolloutRecord, stillChanged: readonly string[], settings: RolloutSettings): Wave[] {
  const pending = new Set(stillChanged);
  const planned = record.waves.slice(record.wavesDone).map((w) => ({ name: w.name, hosts: w.hosts.filter((h) => pending.has(h)), canary: w.name === CANARY }));
  const held = new Set(record.waves.flatMap((w) => w.hosts));
  const newcomers = stillChanged.filter((h) => !held.has(h));
  if (newcomers.length > 0) {
    if (planned.length === 0) planned.push({ name: "rest", hosts: [], canary: false });
    planned[planned.length - 1]!.hosts.push(...newcomers);
  }
  return planned.filter((w) => w.hosts.length > 0).map((w, i) => ({
    number: i + 1, name: w.name, hosts: w.hosts, tolerated: toleratedFailures(w.hosts.length, settings.failureBudget, w.canary),
  }));
}
