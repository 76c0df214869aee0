/** Who started an operation, and how we know. */
export interface Actor {
  readonly name: string;
  /** `ci`: the CI system's actor; `git`: git config user.email/name; `user`: $USER or the
   *  login name; `caller`: given by the program that called the library. */
  readonly source: "ci" | "git" | "user" | "caller";
  /** The CI system, when source is `ci`. */
  readonly ci?: string;
}

export const AUDIT_SCHEMA = "node-fleet.audit/v1";

export type AuditType =
  | "operation.started" | "operation.succeeded" | "operation.failed" | "operation.refused"
  | "phase.started" | "phase.succeeded" | "phase.failed";

/** One audit record (docs/audit-events.md documents every field). */
export interface AuditEvent {
  readonly schema: typeof AUDIT_SCHEMA;
  /** Unique per record, so a receiver can drop a duplicate delivery. */
  readonly id: string;
  readonly time: string;
  readonly type: AuditType;
  /** Seed 000's action name where it has one (node_deployment_dns_configured, …). */
  readonly action: string;
  readonly operation: string;
  readonly project: string;
  readonly stack: string;
  readonly correlationId: string;
  readonly actor: Actor;
  /** The node an operation or phase is about, when it is about one. */
  readonly node?: string;
  readonly phase?: string;
  /** The health incident the operation answers (`fleet health --heal`). */
  readonly incidentId?: string;
  readonly durationSeconds?: number;
  /** Why it failed or was refused. */
  readonly message?: string;
  /** Set when the caller overrode a node's protection: the reason given, the URNs
   *  unprotected in the state, and the servers whose provider protection was lifted. */
  readonly protectionOverride?: {
    readonly reason: string;
    readonly unprotected: readonly string[];
    readonly providerUnprotected: readonly string[];
  };
  /** Resource changes by operation (`create: 3`), when the engine reported them. */
  readonly changes?: Readonly<Record<string, number>>;
}
