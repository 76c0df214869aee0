import type { StackConnection } from "../health/stack";
import type { StepContext } from "../health/recovery";
import { RestoreFailedError } from "./node-command";
import { restoreNode } from "./restore-node";

/** Gives recovery a restore after a rebuild: the node's own latest off-node backup,
 *  under the incident's correlation id. Never with `overwrite`: a freshly rebuilt node
 *  hosts no domains, and one that does is not what recovery expects to find. */
export function withRestore(connection: StackConnection): StackConnection {
  if (!("nodes" in connection) || !connection.fleet) return connection;
  const fleet = connection.fleet;
  const restore = async (hostname: string, ctx: StepContext): Promise<string> => {
    try {
      const report = await restoreNode(fleet, hostname, {
        correlationId: ctx.correlationId, incidentId: ctx.incidentId, message: `fleet health: restore ${hostname} (incident ${ctx.incidentId})`,
      });
      return `${report.summary}; ${report.answers.length} domains answer`;
    } catch (err) {
      const cause = (err as Error).cause;
      throw new Error(cause instanceof RestoreFailedError ? `${cause.message} (exit ${cause.exitCode})` : (err as Error).message.split("\n")[0]);
    }
  };
  return { ...connection, nodes: { ...connection.nodes, restore } };
}
