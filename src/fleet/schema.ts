import { z } from "zod";
import { firstControl } from "../source/control-chars";
import { cronProblem } from "./cron";
import { NODE_DEFAULTS } from "./defaults";

export { NODE_DEFAULTS };

export const BackupsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Days a local backup is kept before it is purged. */
  retentionDays: z.number().int().min(1).max(3650).optional(),
  /** When the backup runs: a 5-field cron expression in the node's time zone (UTC). */
  schedule: z.string().superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} is not a cron schedule: ${problem}` });
  }).optional(),
});

/** Every field a node may set in fleet.yaml. Unknown fields are errors. */
export const NodeFieldsSchema = z.strictObject({
  /** Provider server type, e.g. `cpx32`; see `fleet catalog sizes`. */
  size: z.string().min(1).optional(),
  /** Provider image name; the panel must support it. */
  image: z.string().min(1).optional(),
  /** Control panel id from catalog/panels.yaml. */
  panel: z.string().min(1).optional(),
  /** Friendly name shown to people; the hostname never changes with it. */
  displayName: z.string().min(1).max(100).refine((name) => firstControl(name) === undefined,
    { message: "a display name is one line of printable text: no line breaks, tabs or other control characters" }).optional(),
  backups: BackupsSchema.optional(),
  /** Extra provider labels; node-fleet's own keys are reserved. */
  labels: z.record(z.string(), z.string()).optional(),
  /** Delete/rebuild protection; defaults from the stack (on for prd). */
  protect: z.boolean().optional(),
  /** Generation counter: bumping it rebuilds the server from scratch (seed 001 FORCE_REBUILD). */
  rebuild: z.number().int().min(0).optional(),
  /** `maintenance` keeps the node but tells the platform not to place new sites on it. */
  status: z.enum(["active", "maintenance"]).optional(),
  /** Hostname of the node this one takes over from (same environment). */
  replaces: z.string().optional(),
  /** Lets health recovery rebuild the server as its last step (after a snapshot);
   *  never on a protected node. */
  autoRebuild: z.boolean().optional(),
});
export type NodeFields = z.infer<typeof NodeFieldsSchema>;

/** `defaults:` may set any node field that makes sense for many nodes. */
export const DefaultsSchema = NodeFieldsSchema.omit({ displayName: true, replaces: true });

/** A node's fields after defaults are applied. */
export const NodeSpecSchema = NodeFieldsSchema.extend({
  image: z.string().default(NODE_DEFAULTS.image),
  panel: z.string().default(NODE_DEFAULTS.panel),
  rebuild: z.number().int().min(0).default(NODE_DEFAULTS.rebuild),
  status: z.enum(["active", "maintenance"]).default(NODE_DEFAULTS.status),
  labels: z.record(z.string(), z.string()).default({}),
});
export type NodeSpec = z.infer<typeof NodeSpecSchema>;

/** The top level of fleet.yaml. Node bodies are checked one by one (see load.ts), so
 *  one broken node does not hide the problems of the others. */
export const FleetFileSchema = z.strictObject({
  defaults: z.unknown().optional(),
  nodes: z.record(z.string(), z.unknown()),
});
