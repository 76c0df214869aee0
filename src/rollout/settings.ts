import { z } from "zod";

/** How a change is spread over the fleet. The defaults follow how hosting companies roll
 *  out panel upgrades: one canary, then about 5% and 25% of the nodes, then the rest. */
export const RolloutSettingsSchema = z.strictObject({
  /** Nodes in the first wave; a canary that fails halts the rollout whatever the budget. */
  canary: z.number().int().min(1).default(1),
  /** The waves between the canary and the rest, each a share of all the nodes to change. */
  waves: z.array(z.number().gt(0).lt(1)).default([0.05, 0.25]),
  /** Share of a wave's nodes that may fail before the rollout halts (at least one node). */
  failureBudget: z.number().min(0).lt(1).default(0.02),
  /** Seconds a healthy wave is watched before the next one starts. */
  soakSeconds: z.number().int().min(0).default(300),
});
export type RolloutSettings = z.infer<typeof RolloutSettingsSchema>;

export const ROLLOUT_DEFAULTS: RolloutSettings = RolloutSettingsSchema.parse({});
