import { createHmac } from "node:crypto";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { requestFailure, urlOrigin } from "../source/request-failure";
import type { AuditEvent } from "./event";

/** Somewhere audit records go. A sink may fail; the trail never lets that fail an operation. */
export interface AuditSink {
  /** Names the sink in the one message about its failure. */
  readonly name: string;
  write(event: AuditEvent): Promise<void>;
}

/** Appends one JSON object per line (created 0600: records name people and hosts). */
export function jsonLinesSink(path: string): AuditSink {
  let ready: Promise<unknown> | undefined;
  return {
    name: `file ${path}`,
    async write(event) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    },
  };
}

export const SIGNATURE_HEADER = "x-node-fleet-signature";

/** `sha256=<hex HMAC-SHA256 of the exact body>`, the form GitHub's webhooks use, so a
 *  receiver verifies the bytes it got before parsing them. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface WebhookOptions {
  readonly url: string;
  /** When set, every request carries the signature header. */
  readonly secret?: string;
  readonly timeoutMs?: number;
}

/** POSTs each record as JSON; anything but a 2xx answer is a failure. */
export function webhookSink(options: WebhookOptions): AuditSink {
  return {
    // The URL's path and query may be the secret: the name shows only where it goes.
    name: `webhook ${urlOrigin(options.url)}`,
    async write(event) {
      const body = JSON.stringify(event);
      const headers: Record<string, string> = { "content-type": "application/json", "x-node-fleet-event": event.type };
      if (options.secret) headers[SIGNATURE_HEADER] = signBody(options.secret, body);
      let response: Response;
      try {
        response = await fetch(options.url, { method: "POST", headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
      } catch (err) {
        throw new Error(requestFailure(err));
      }
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  };
}

/** Hands every record to every sink, in order per sink. A failing sink is reported once
 *  (through `onSinkFailure`) and never fails the operation; later records still go to it. */
export class AuditTrail {
  private readonly queues: Promise<void>[];
  private readonly reported = new Set<string>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly sinks: readonly AuditSink[], private readonly onSinkFailure: (message: string) => void) {
    this.queues = sinks.map(() => Promise.resolve());
  }

  record(event: AuditEvent): void {
    this.sinks.forEach((sink, i) => {
      this.queues[i] = this.queues[i]!.then(() => sink.write(event)).catch((err: unknown) => this.failed(sink, err));
    });
  }

  /** Resolves when every record so far was delivered or given up on. */
  async flush(): Promise<void> {
    await Promise.all(this.queues);
  }

  /** Records each sink could not take. */
  lost(): ReadonlyMap<string, number> {
    return this.failures;
  }

  private failed(sink: AuditSink, err: unknown): void {
    this.failures.set(sink.name, (this.failures.get(sink.name) ?? 0) + 1);
    if (this.reported.has(sink.name)) return;
    this.reported.add(sink.name);
    const reason = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
    this.onSinkFailure(`audit ${sink.name} failed (${reason}); the operation goes on, and further failures of this sink are not reported`);
  }
}
