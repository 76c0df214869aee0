import type { EngineEvent, OpMap, OpType } from "@pulumi/pulumi/automation";
import type { PhaseProgress } from "./phases";
import { nodeResourceOf } from "./urn";

export type Operation = "preview" | "up" | "refresh" | "destroy" | "rebuild" | "reprovision" | "drift" | "restore" | "restore-drill" | "rollout";

interface Base {
  readonly correlationId: string;
  readonly operation: Operation;
  readonly stack: string;
  /** ISO time the library saw it. */
  readonly time: string;
}

/** What an operation reports while it runs; `--json` prints one per line. */
export type FleetEvent = Base & (
  | { readonly kind: "operation"; readonly state: "started" | "succeeded" | "failed" | "refused";
      readonly durationSeconds?: number; readonly message?: string; readonly node?: string }
  | ({ readonly kind: "phase" } & PhaseProgress)
  | { readonly kind: "resource"; readonly urn: string; readonly node?: string; readonly op: OpType;
      readonly state: "started" | "done" | "failed" }
  | { readonly kind: "diagnostic"; readonly severity: "warning" | "error"; readonly message: string;
      readonly urn?: string; readonly node?: string }
  | { readonly kind: "retry"; readonly attempt: number; readonly delaySeconds: number; readonly message: string }
  | { readonly kind: "notice"; readonly message: string });

/** A FleetEvent before the operation stamps it. */
export type FleetEventPayload = FleetEvent extends infer E ? E extends Base ? Omit<E, keyof Base> : never : never;

/** The engine event as a resource step or a warning/error, when it is one worth
 *  reporting: unchanged resources and the engine's ephemeral status lines are not. */
export function fromEngineEvent(event: EngineEvent): FleetEventPayload | undefined {
  const step = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
  if (step) {
    if (step.op === "same") return undefined;
    const node = nodeResourceOf(step.urn)?.hostname;
    const state = event.resourcePreEvent ? "started" : event.resOutputsEvent ? "done" : "failed";
    return { kind: "resource", urn: step.urn, ...(node ? { node } : {}), op: step.op, state };
  }
  const diag = event.diagnosticEvent;
  if (diag && !diag.ephemeral && (diag.severity === "warning" || diag.severity === "error")) {
    const node = diag.urn ? nodeResourceOf(diag.urn)?.hostname : undefined;
    return {
      kind: "diagnostic", severity: diag.severity, message: diag.message.trim(),
      ...(diag.urn ? { urn: diag.urn } : {}), ...(node ? { node } : {}),
    };
  }
  return undefined;
}

/** Resource changes in one phrase ("replace 2, update 1"), or "no changes". */
export function describeChanges(changes: OpMap): string {
  return Object.entries(changes).filter(([op, n]) => op !== "same" && n).map(([op, n]) => `${op} ${n}`).join(", ") || "no changes";
}
