import type { IncidentKind, Step } from "./model";

/** Something that happened to a node or the fleet, for the audit log and notifications. */
export interface HealthEvent {
  readonly type:
    | "incident.detected" | "incident.recovering" | "incident.resolved" | "incident.failed"
    | "recovery.step" | "fleet.held" | "deployment.succeeded" | "deployment.failed";
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
