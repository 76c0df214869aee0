import type { EngineEvent } from "@pulumi/pulumi/automation";
import { nodeResourceOf, parseUrn } from "./urn";

/** One resource whose real state differs from the state Pulumi recorded. */
export interface DriftedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The node it belongs to; absent for fleet-wide resources. */
  readonly hostname?: string;
  /** `update`: it changed outside Pulumi; `delete`: it no longer exists. */
  readonly change: "update" | "delete";
  /** The properties that differ, when the provider said. */
  readonly properties: readonly string[];
}

/** Reads drift from the events of a refresh preview. During a refresh the engine reports
 *  each resource's outcome as the op of its outputs event: `same`, `update` or `delete`
 *  (pulumi pkg/engine/update.go, OnResourceStepPost for previews, with
 *  pkg/resource/deploy/step.go RefreshStep.ResultOp), and the changed keys as its diffs. */
export function driftFromEvents(events: readonly EngineEvent[]): DriftedResource[] {
  const drifted: DriftedResource[] = [];
  for (const event of events) {
    const meta = event.resOutputsEvent?.metadata;
    if (!meta || (meta.op !== "update" && meta.op !== "delete")) continue;
    const parsed = parseUrn(meta.urn);
    const node = nodeResourceOf(meta.urn);
    const properties = meta.detailedDiff ? Object.keys(meta.detailedDiff) : meta.diffs ?? [];
    drifted.push({
      urn: meta.urn,
      type: meta.type,
      name: parsed?.name ?? meta.urn,
      ...(node ? { hostname: node.hostname } : {}),
      change: meta.op,
      properties: [...properties].sort(),
    });
  }
  return drifted;
}
