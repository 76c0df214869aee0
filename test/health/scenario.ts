import { decideRound, applyOutcomes } from "../../src/health/monitor";
import type { NodeRecord } from "../../src/health/model";
import { DEFAULT_SAFEGUARDS, type Safeguards } from "../../src/health/safeguards";
import type { HealthEvent } from "../../src/events/health-event";
import { executeSteps, unavailableSteps, type RecoveryActions, type StepContext } from "../../src/health/recovery";
import type { CheckResult, HealthTarget } from "../../src/health/types";

export const MINUTE = 60_000;
export const T0 = Date.parse("2026-11-22T06:00:00Z");

export function target(hostname: string, over: Partial<HealthTarget> = {}): HealthTarget {
  return { hostname, fqdn: `${hostname}.infra.example.com`, generation: 0, maintenance: false, autoRebuild: false, protect: false,
    panelUser: "node-fleet-api", resolved: { address: "127.12.3.1", created: "2026-11-01T00:00:00Z" }, ...over };
}

const check = (name: string, ok: boolean, fault?: CheckResult["fault"], detail = ok ? "open" : "refused"): CheckResult =>
  ({ name, ok, detail, ms: 1, ...(fault ? { fault } : {}) });
export const UP: CheckResult[] = [check("tcp:22", true), check("ssh", true, undefined, "SSH-2.0-OpenSSH_9.2p1")];
export const DOWN: CheckResult[] = [check("tcp:22", false, "down"), check("ssh", false, "down")];
export const KEY_CHANGED: CheckResult[] = [check("tcp:22", true), check("ssh", false, "host-key", "HOST KEY CHANGED")];
export const CERT_EXPIRING: CheckResult[] = [...UP, check("tls:443", false, "certificate", "certificate expires in 3 days")];

/** Recovery actions that record every call and fail where told. */
export function recordingActions(fail: Partial<Record<"reprovision" | "powerCycle" | "snapshot" | "rebuild", string>> = {}, providerProtected = false) {
  const calls: string[] = [];
  const contexts: StepContext[] = [];
  const act = (what: keyof typeof fail, hostname: string) => {
    calls.push(`${what} ${hostname}`);
    return fail[what] ? Promise.reject(new Error(fail[what])) : Promise.resolve(`${what} done`);
  };
  const actions: RecoveryActions = {
    nodes: {
      reprovision: (h, ctx) => { contexts.push(ctx); return act("reprovision", h); },
      rebuild: (h, ctx) => { contexts.push(ctx); return act("rebuild", h); },
    },
    machines: {
      powerCycle: (h) => act("powerCycle", h),
      snapshot: (h) => act("snapshot", h),
      rebuildProtected: async () => providerProtected,
      activity: async () => ({ status: "off", minutes: 10, packetsOutPerSecond: [] }),
      // Hetzner's record holds nothing the watcher did not do itself; test/health/budget-ledger.test.ts shares one.
      ledger: async () => ({ resets: [], rebuilds: [] }),
    },
    // The second path agrees the node is down; test/health/second-path.test.ts varies it.
    secondPath: async () => ({ down: "no verified SSH answer on the second address either" }),
  };
  return { calls, contexts, actions };
}

/** Runs rounds of the real decision logic and executor against a controlled clock. */
export class Simulation {
  now = T0;
  records: NodeRecord[] = [];
  readonly events: HealthEvent[] = [];
  constructor(
    private readonly targets: HealthTarget[],
    public actions: RecoveryActions,
    private readonly opts: { heal?: boolean; safeguards?: Partial<Safeguards> } = {},
  ) {}

  get safeguards(): Safeguards { return { ...DEFAULT_SAFEGUARDS, ...this.opts.safeguards }; }

  /** One round at the current time, then the clock moves on by `minutes`. */
  async round(results: Record<string, CheckResult[]>, minutes = 1): Promise<HealthEvent[]> {
    const decided = decideRound(this.records, this.targets.filter((t) => results[t.hostname]).map((t) => ({ target: t, checks: results[t.hostname]! })),
      { now: this.now, safeguards: this.safeguards, heal: this.opts.heal ?? true, unavailable: unavailableSteps(this.actions) });
    const run = await executeSteps(decided.steps, this.actions, () => this.now, this.safeguards.budgets);
    this.records = applyOutcomes(decided.records, run.outcomes, this.now, this.safeguards);
    const events = [...decided.events, ...run.events];
    this.events.push(...events);
    this.now += minutes * MINUTE;
    return events;
  }

  /** The same results every `minutes` for `count` rounds. */
  async rounds(count: number, results: Record<string, CheckResult[]>, minutes = 1): Promise<void> {
    for (let i = 0; i < count; i++) await this.round(results, minutes);
  }

  record(hostname: string): NodeRecord {
    return this.records.find((r) => r.hostname === hostname)!;
  }
}
