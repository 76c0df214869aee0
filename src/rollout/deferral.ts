/** What is known of a node that may keep it out of a rollout for now. */
export interface NodeCondition {
  readonly hostname: string;
  /** `status: maintenance` in the fleet file. */
  readonly maintenance: boolean;
  /** The open incident the health store holds for it, if any. */
  readonly openIncident?: string;
}

export interface Deferral {
  readonly hostname: string;
  readonly reason: string;
}

/** The nodes a rollout may change now, and those it leaves for later with the reason:
 *  excluded by the operator (`--exclude`), in maintenance, or with an open incident. A
 *  deferred node keeps its old configuration; the next rollout, once it is healthy and
 *  active again, picks it up because its digest still differs. */
export function splitDeferred(hosts: readonly string[], conditions: readonly NodeCondition[], excluded: readonly string[]):
  { eligible: string[]; deferred: Deferral[] } {
  const known = new Map(conditions.map((c) => [c.hostname, c]));
  const eligible: string[] = [];
  const deferred: Deferral[] = [];
  for (const hostname of hosts) {
    const condition = known.get(hostname);
    const reason = excluded.includes(hostname) ? "excluded (--exclude)"
      : condition?.maintenance ? "status: maintenance in the fleet file"
        : condition?.openIncident ? `open incident ${condition.openIncident}` : undefined;
    if (reason) deferred.push({ hostname, reason });
    else eligible.push(hostname);
  }
  return { eligible, deferred };
}
