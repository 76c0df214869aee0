/** A node's provisioning step as the stack's state records it. */
export interface RecordedStep {
  readonly hostname: string;
  readonly urn: string;
  /** NODE_CONFIG_DIGEST of the step's inputs; undefined when it cannot be read. */
  readonly digest?: string;
}

/** The deployed nodes whose provisioning step the change runs again: those whose
 *  configuration digest differs from the one recorded. Nodes the state does not hold
 *  yet are created, not re-provisioned, and are not part of a rollout; nor is a step
 *  whose digest is not known on both sides (a state written before steps recorded it).
 *  Sorted by hostname. */
export function reprovisioned(recorded: readonly RecordedStep[], desired: ReadonlyMap<string, string>): RecordedStep[] {
  return recorded.filter((step) => step.digest !== undefined && desired.has(step.hostname) && desired.get(step.hostname) !== step.digest)
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
}
