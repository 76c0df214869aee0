import { registrationUrlProblem } from "../stack/registration-url";
import { requestFailure } from "../source/request-failure";

/** Thrown when the platform refuses a registration for good (a 4xx other than 408/429),
 *  or when retries run out. Its message never contains the token or the password. */
export class RegistrationError extends Error {
  override name = "RegistrationError";
}

export interface RegistrationRequest {
  readonly method: "PUT" | "DELETE";
  /** The registry collection, e.g. https://platform.example.com/api/nodes */
  readonly url: string;
  readonly hostname: string;
  readonly token: string;
  /** JSON body for PUT. */
  readonly body?: unknown;
  readonly correlationId?: string;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per-request limit. */
  readonly requestTimeoutMs: number;
  /** The whole call, retries included, gives up after this. */
  readonly deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6, baseDelayMs: 1_000, maxDelayMs: 30_000, requestTimeoutMs: 15_000, deadlineMs: 120_000,
};

export interface Effects {
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  readonly now: () => number;
}

/** Registers (PUT) or deregisters (DELETE) a node with the platform, idempotently.
 *  Retries network errors, 408, 429 and 5xx with exponential backoff (honouring
 *  Retry-After), fails at once on any other 4xx with the server's message. DELETE of a
 *  node the platform does not know (404/410) counts as done. Sends nothing to a URL that
 *  `registrationUrlProblem` refuses, and never follows a redirect: fetch would repeat the
 *  request, token and password included, to wherever the 30x points. */
export async function sendRegistration(request: RegistrationRequest, policy: RetryPolicy, effects: Effects): Promise<number> {
  const urlProblem = registrationUrlProblem(request.url);
  if (urlProblem) throw new RegistrationError(`registration URL ${urlProblem}`);
  const target = `${request.url.replace(/\/+$/, "")}/${encodeURIComponent(request.hostname)}`;
  const redact = (text: string) => secretsOf(request).reduce((t, s) => t.split(s).join("[redacted]"), text);
  const started = effects.now();
  const verb = request.method === "PUT" ? "registering" : "deregistering";
  for (let attempt = 1; ; attempt++) {
    effects.log(`${verb} ${request.hostname} at ${target} (attempt ${attempt}/${policy.attempts})`);
    let retryAfterMs: number | undefined;
    let problem: string;
    try {
      const response = await effects.fetch(target, {
        method: request.method,
        headers: {
          authorization: `Bearer ${request.token}`,
          accept: "application/json",
          ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
          ...(request.correlationId ? { "x-correlation-id": request.correlationId } : {}),
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(policy.requestTimeoutMs),
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new RegistrationError(`${verb} ${request.hostname} failed: HTTP ${response.status} redirects to ` +
          `${redirectOrigin(response.headers.get("location"), target)}; redirects are refused, so the token and ` +
          "the panel password go only to registrationUrl: set it to the platform's final address");
      }
      const text = redact((await response.text()).trim()).slice(0, 500);
      if (response.ok || (request.method === "DELETE" && (response.status === 404 || response.status === 410))) {
        effects.log(`${request.hostname}: ${request.method === "PUT" ? "registered" : "deregistered"} (HTTP ${response.status})`);
        return response.status;
      }
      problem = `HTTP ${response.status}${text ? `: ${text}` : ""}`;
      if (!retryable(response.status)) {
        throw new RegistrationError(`${verb} ${request.hostname} failed: ${problem}`);
      }
      retryAfterMs = retryAfter(response.headers.get("retry-after"));
    } catch (err) {
      if (err instanceof RegistrationError) throw err;
      problem = requestFailure(err);
    }
    const delay = Math.min(policy.maxDelayMs, retryAfterMs ?? policy.baseDelayMs * 2 ** (attempt - 1));
    if (attempt >= policy.attempts || effects.now() - started + delay > policy.deadlineMs) {
      throw new RegistrationError(`${verb} ${request.hostname} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${problem}`);
    }
    effects.log(`${request.hostname}: ${problem}; retrying in ${Math.round(delay / 100) / 10}s`);
    await effects.sleep(delay);
  }
}

function redirectOrigin(location: string | null, base: string): string {
  try {
    return location ? new URL(location, base).origin : "nowhere (no Location header)";
  } catch {
    return "an invalid Location";
  }
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}


function secretsOf(request: RegistrationRequest): string[] {
  const found = [request.token];
  const password = (request.body as { panel?: { apiPassword?: unknown } } | undefined)?.panel?.apiPassword;
  if (typeof password === "string") found.push(password);
  return found.filter((s) => s.length >= 4);
}
