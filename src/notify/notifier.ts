import type { HealthEvent } from "../events/health-event";
import { escapeControl } from "../source/control-chars";
import type { Channel } from "./channels";
import { admit, type LimiterMemory, type RateLimits } from "./limiter";

const ICON: Partial<Record<HealthEvent["type"], string>> = {
  "incident.detected": "⚠️", "incident.recovering": "🔧", "incident.resolved": "✅", "incident.failed": "❌",
  "fleet.held": "🚨", "deployment.succeeded": "✅", "deployment.failed": "❌", "protection.off": "🔓",
};

/** Whether an event is told to people (recovery steps are in the audit log only). */
export function notifiable(event: HealthEvent): boolean {
  return ICON[event.type] !== undefined;
}

/** One line a person can act on (control characters escaped: a message may quote
 *  what a node sent). */
export function render(event: HealthEvent): string {
  const id = event.incidentId ? ` [${event.incidentId}]` : "";
  return escapeControl(`${ICON[event.type] ?? ""} ${event.hostname}: ${event.type.replace(".", " ")}${id}: ${event.message}`.trim());
}

export interface Delivery {
  readonly memory: LimiterMemory;
  readonly sent: number;
  readonly suppressed: number;
  /** Failures per channel, without secrets. */
  readonly errors: string[];
}

/** Sends the notifiable events to every channel, de-duplicated and rate-limited per
 *  node and event type, fleet-wide events first. A channel that fails does not stop
 *  the others or the checker. */
export async function deliver(events: readonly HealthEvent[], channels: readonly Channel[], memory: LimiterMemory, now: number, limits: RateLimits): Promise<Delivery> {
  // Fleet-wide news first: when many nodes fail at once the hourly cap must not
  // spend itself on single nodes and drop the message that explains them.
  const wanted = events.filter(notifiable).sort((a, b) => Number(b.hostname === "fleet") - Number(a.hostname === "fleet"));
  if (channels.length === 0 || wanted.length === 0) return { memory, sent: 0, suppressed: 0, errors: [] };
  const decision = admit(wanted.map((e) => `${e.hostname}|${e.type}`), memory, now, limits);
  const going = wanted.filter((_, i) => decision.allowed[i]);
  const errors: string[] = [];
  await Promise.all(going.flatMap((event) => channels.map((channel) =>
    channel.send(event, render(event)).catch((err: Error) => { errors.push(`${channel.describe}: ${err.message}`); }))));
  return { memory: decision.memory, sent: going.length, suppressed: wanted.length - going.length, errors };
}

/** A finished deployment, as the Automation API library reports it. */
export interface DeploymentResult {
  readonly hostname: string;
  readonly ok: boolean;
  /** One line: what was deployed, or why it failed. */
  readonly summary: string;
  readonly correlationId: string;
}

/** Tells the configured channels that a deployment finished or failed (for
 *  callers outside the health checker, such as `fleet up`). */
export function notifyDeployment(result: DeploymentResult, channels: readonly Channel[], memory: LimiterMemory, now: number, limits: RateLimits): Promise<Delivery> {
  const event: HealthEvent = { type: result.ok ? "deployment.succeeded" : "deployment.failed", at: now, hostname: result.hostname,
    message: result.summary, correlationId: result.correlationId };
  return deliver([event], channels, memory, now, limits);
}
