import { z } from "zod";
import type { DeployReport, FleetAutomation } from "../automation/operations";
import { restoreNode, type RestoreReport } from "./restore-node";

/** A successor to restore, and whose backup. */
export interface SuccessorRestore {
  readonly hostname: string;
  readonly from: string;
}

/** The stack output naming each successor's predecessor (src/program.ts `successors`). */
const SuccessorsOutput = z.record(z.string(), z.string());

/** The successors this deployment created: nodes that `replaces:` another whose
 *  "Server created" phase succeeded in this very update, and that had nothing to
 *  replace (a first server). Their disk is new and empty, so they take their
 *  predecessor's customers now. A successor deployed by an earlier update is never
 *  restored again: by now its domains are its own (after a rebuild, its own backup is
 *  the one to restore: `fleet restore HOST`). */
export function successorsCreated(report: Pick<DeployReport, "phases" | "outputs" | "nodes">): SuccessorRestore[] {
  const successors = SuccessorsOutput.safeParse(report.outputs.successors ?? {});
  if (!successors.success) return [];
  const created = new Set(report.phases.filter((p) => p.phase === "serverCreated" && p.state === "succeeded"
    && (report.nodes[p.hostname]?.["create-replacement"] ?? 0) === 0).map((p) => p.hostname));
  return Object.entries(successors.data).filter(([hostname]) => created.has(hostname)).sort(([a], [b]) => a.localeCompare(b))
    .map(([hostname, from]) => ({ hostname, from }));
}

/** Restores the predecessor's latest off-node backup onto every successor the
 *  deployment `deploy` created, one after the other, under the deployment's correlation
 *  id (after `fleet.up`, as `fleet up` does). Each restore is an operation of its own with
 *  its audit records, and succeeds only when every restored domain answers at the
 *  successor's address. The first that fails rejects with SuccessorRestoreError: the
 *  deployment stands, the successor does not have its customers yet. `restore` is
 *  restoreNode; a test gives its own. */
export async function restoreSuccessors(fleet: Pick<FleetAutomation, "onNode">, deploy: DeployReport,
  restore: typeof restoreNode = restoreNode): Promise<RestoreReport[]> {
  const restores: RestoreReport[] = [];
  for (const { hostname, from } of successorsCreated(deploy)) {
    try {
      restores.push(await restore(fleet, hostname, { from, correlationId: deploy.correlationId, message: `fleet up: restore ${hostname} from ${from}` }));
    } catch (err) {
      throw new SuccessorRestoreError(hostname, from, deploy.correlationId, err);
    }
  }
  return restores;
}

/** A deployment that created a successor whose restore failed: the deployment stands,
 *  the successor does not have its customers yet. */
export class SuccessorRestoreError extends Error {
  override readonly name = "SuccessorRestoreError";
  constructor(readonly hostname: string, readonly from: string, readonly correlationId: string, override readonly cause: unknown) {
    super(`deployed (correlation ${correlationId}), but restoring ${from}'s backup onto its successor ${hostname} failed: ` +
      `${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}; run \`fleet restore ${hostname} --from ${from}\` again`);
  }
}
