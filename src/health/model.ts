import { z } from "zod";
import { INCIDENT_KINDS, STEPS } from "../events/health-event";

/** Node states (seed 001 ServerStatus, in this fleet's terms):
 *  - `pending_setup`: new or never seen healthy, inside the grace period
 *  - `force_rebuild`: its `rebuild` counter was bumped; inside the grace period
 *  - `ready`: every check passes
 *  - `failing`: checks fail, not yet confirmed (fewer than N failures or M minutes)
 *  - `error`: an incident is open and nothing is being done right now
 *  - `provisioning`: a recovery step ran and its effect is being waited for
 *  - `maintenance`: `status: maintenance` in fleet.yaml; checked, never acted on
 *  - `decommissioned`: no longer in the fleet file */
export const NODE_STATES = ["pending_setup", "force_rebuild", "ready", "failing", "error", "provisioning", "maintenance", "decommissioned"] as const;
export type NodeState = (typeof NODE_STATES)[number];

const Attempt = z.object({
  step: z.enum(STEPS),
  at: z.number(),
  ok: z.boolean(),
  detail: z.string(),
  /** A rebuild that replaced the server but did not restore the node's data. */
  unrestored: z.literal(true).optional(),
});
export type Attempt = z.infer<typeof Attempt>;

export const IncidentSchema = z.object({
  /** `<hostname>@<ISO time opened>`: readable in a runbook, unique per node. */
  id: z.string(),
  /** The node generation's correlation id (src/plan/correlation.ts), shared with its deployments. */
  correlationId: z.string(),
  kind: z.enum(INCIDENT_KINDS),
  status: z.enum(["detected", "recovering", "resolved", "failed"]),
  openedAt: z.number(),
  closedAt: z.number().optional(),
  /** The failed checks that opened it, and later what was seen. */
  seen: z.array(z.string()),
  attempts: z.array(Attempt),
  /** Not before this time is the next step taken (backoff). */
  nextStepAt: z.number().optional(),
  /** Why recovery does not act on it, when it does not. */
  held: z.string().optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const NodeRecordSchema = z.object({
  hostname: z.string(),
  state: z.enum(NODE_STATES),
  generation: z.number(),
  /** Failures are not counted before this time (grace after create or rebuild). */
  graceUntil: z.number(),
  consecutiveFailures: z.number(),
  firstFailureAt: z.number().optional(),
  lastSuccessAt: z.number().optional(),
  lastCheckAt: z.number().optional(),
  /** The open incident, if any. */
  incident: IncidentSchema.optional(),
  /** Closed incidents, newest last, a bounded history. */
  history: z.array(IncidentSchema),
  /** Every recovery step taken on the node in the last week, whatever its incident:
   *  what the budgets count (src/health/budgets.ts). */
  actions: z.array(z.object({ step: z.enum(STEPS), at: z.number() })).default([]),
});
export type NodeRecord = z.infer<typeof NodeRecordSchema>;


/** How a step's detail starts when the node refused to be who it should be (provisioning's
 *  exit 76: the host presented another key than the pinned one). The ladder stops there:
 *  every further step would hand secrets, or a reset, to whoever answers. */
export const IDENTITY_REFUSED = "identity refused:";

/** Closed incidents kept per node. */
export const HISTORY_LIMIT = 20;
