/** Recovery steps, in ladder order. */
export const STEPS = ["reprovision", "power_cycle", "rebuild"] as const;
export type Step = (typeof STEPS)[number];

/** `down`: the node (or a service on it) does not answer; recovery may act.
 *  `host_key_changed`, `auth_failed` and `certificate` only notify: re-provisioning a
 *  host whose identity is in doubt (a changed key, a forged signature, a panel that
 *  refuses the node's own password) would hand secrets to whoever answers, and a
 *  certificate is renewed, not healed. */
export const INCIDENT_KINDS = ["down", "host_key_changed", "auth_failed", "certificate"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Something that happened to a node or the fleet, for the audit log and notifications. */
export interface HealthEvent {
  readonly type:
    | "incident.detected" | "incident.recovering" | "incident.resolved" | "incident.failed"
    | "recovery.step" | "fleet.held" | "deployment.succeeded" | "deployment.failed"
    | "protection.off" | "snapshots.deleted";
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** `fleet` for fleet-wide events. */
  readonly hostname: string;
  readonly message: string;
  readonly incidentId?: string;
  readonly correlationId?: string;
  readonly kind?: IncidentKind;
  readonly step?: Step;
  readonly ok?: boolean;
}
