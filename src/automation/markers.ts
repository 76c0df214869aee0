/** The line prefix of ansible/callback_plugins/node_fleet_phases.py. */
export const MARKER_PREFIX = "node-fleet-phase ";

export type MarkerState = "started" | "succeeded" | "failed";

/** One role of the playbook starting or ending, as the callback plugin prints it. */
export interface PhaseMarker {
  readonly role: string;
  readonly state: MarkerState;
  readonly correlationId?: string;
}

const STATES: readonly string[] = ["started", "succeeded", "failed"];

/** Reads a marker from one line of the provisioning step's output; anything else
 *  (Ansible's own output, a marker cut by a log prefix) is not a marker. */
export function parseMarker(line: string): PhaseMarker | undefined {
  const at = line.indexOf(MARKER_PREFIX);
  if (at < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(at + MARKER_PREFIX.length).trim());
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { role, state, correlationId } = value as Record<string, unknown>;
  if (typeof role !== "string" || typeof state !== "string" || !STATES.includes(state)) return undefined;
  return { role, state: state as MarkerState, ...(typeof correlationId === "string" ? { correlationId } : {}) };
}
