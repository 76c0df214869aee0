import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { requestFailure, urlOrigin } from "../../source/request-failure";

/** A price as the Hetzner Cloud API gives it: decimal strings, net and gross of VAT. A
 *  string that is no decimal is the API's fault, named where it is, never a NaN in sizes.yaml. */
const Decimal = z.string().regex(/^\d+(\.\d+)?$/, "is not a decimal price");
const Price = z.object({ net: Decimal, gross: Decimal });

/** The fields of GET /v1/server_types this refresh reads (docs.hetzner.cloud, "Server
 *  Types"); others are ignored. */
const ServerTypeSchema = z.object({
  name: z.string(),
  cores: z.number(),
  memory: z.number(),
  disk: z.number(),
  cpu_type: z.enum(["shared", "dedicated"]),
  deprecated: z.boolean().nullable().optional(),
  deprecation: z.object({ announced: z.string(), unavailable_after: z.string() }).nullable().optional(),
  prices: z.array(z.object({ location: z.string(), price_hourly: Price, price_monthly: Price })),
});
export type HetznerServerType = z.infer<typeof ServerTypeSchema>;

const ServerTypesPage = z.object({
  server_types: z.array(ServerTypeSchema),
  meta: z.object({ pagination: z.object({ next_page: z.number().nullable() }) }).optional(),
});

/** GET /v1/pricing: only the currency and VAT rate are read. */
const PricingSchema = z.object({ pricing: z.object({ currency: z.string(), vat_rate: z.string() }) });

/** The API's error body (docs.hetzner.cloud, "Errors"): its words go into our message. */
const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface HetznerPrices {
  readonly currency: string;
  readonly serverTypes: readonly HetznerServerType[];
}

/** Where the API is: HCLOUD_ENDPOINT as the hcloud CLI and SDKs read it. */
export const DEFAULT_ENDPOINT = "https://api.hetzner.cloud/v1";

/** Pages of 50 server types: Hetzner sells a few dozen, so 20 pages is far beyond a real
 *  answer and stops an API that pages without end. */
export const MAX_PAGES = 20;
/** Every request of one refresh, retries included: one refresh never hammers the API. */
export const REQUEST_BUDGET = 40;
/** Rate-limit retries per request, as hcloud-python's Client.request (_retry_max_retries = 5). */
export const MAX_RATE_LIMIT_RETRIES = 5;
/** The longest wait for one retry, hcloud-python's backoff cap (60 s). */
const MAX_RETRY_WAIT_MS = 60_000;

/** A failure talking to the API, with what to do about it. `exitCode` is EXIT.invalidInput
 *  (1) when what we sent was refused (token, request), EXIT.serviceUnreachable (69) when
 *  the API could not be reached or answered something unusable. */
export class HetznerApiError extends Error {
  constructor(message: string, readonly exitCode: 1 | 69) {
    super(message);
  }
}

export interface FetchOptions {
  /** Time for one request, body included, before it counts as unanswered. */
  readonly timeoutMs?: number;
}

interface Session {
  readonly endpoint: string;
  readonly token: string;
  readonly timeoutMs: number;
  requests: number;
}

/** How long the API asks to wait: Retry-After in seconds (RFC 9110 §10.2.3) or as a date;
 *  without it hcloud-python's backoff, 1 s doubling per retry (exponential_backoff_function
 *  base=1, multiplier=2, cap=60, without the jitter). */
function retryWaitMs(header: string | null, retry: number): number {
  const fallback = 1000 * 2 ** retry;
  let ms = fallback;
  if (header !== null && /^\d+$/.test(header.trim())) ms = Number(header.trim()) * 1000;
  else if (header !== null && !Number.isNaN(Date.parse(header))) ms = Math.max(0, Date.parse(header) - Date.now());
  return Math.min(ms, MAX_RETRY_WAIT_MS);
}

function apiWords(text: string): string {
  try {
    const body = ApiErrorBody.safeParse(JSON.parse(text));
    return body.success ? `: ${body.data.error.message} (${body.data.error.code})` : "";
  } catch {
    return "";
  }
}

async function getJson<T>(session: Session, path: string, schema: z.ZodType<T>): Promise<T> {
  const url = `${session.endpoint.replace(/\/$/, "")}${path}`;
  for (let retry = 0; ; retry++) {
    if (session.requests >= REQUEST_BUDGET) {
      throw new HetznerApiError(`GET ${path}: stopped after ${REQUEST_BUDGET} requests, the budget of one refresh; try again later`, 69);
    }
    session.requests++;
    const signal = AbortSignal.timeout(session.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { headers: { Authorization: `Bearer ${session.token}`, Accept: "application/json" }, signal });
    } catch (err) {
      throw new HetznerApiError(`cannot reach the Hetzner Cloud API at ${urlOrigin(session.endpoint)}: ${requestFailure(err)}`, 69);
    }
    try {
      text = await response.text();
    } catch (err) {
      const why = signal.aborted ? `no complete answer within ${session.timeoutMs / 1000} s` : "the connection closed before the answer was complete";
      throw new HetznerApiError(`GET ${path}: ${why} (${requestFailure(err)}); try again later`, 69);
    }
    if (response.status === 429 && retry < MAX_RATE_LIMIT_RETRIES) {
      await sleep(retryWaitMs(response.headers.get("retry-after"), retry));
      continue;
    }
    if (response.status === 401) throw new HetznerApiError(`the Hetzner Cloud API refused the token (401) for ${path}${apiWords(text)}; check HCLOUD_TOKEN`, 1);
    if (!response.ok) {
      const limited = response.status === 429 ? ` (still rate limited after ${MAX_RATE_LIMIT_RETRIES} retries)` : "";
      throw new HetznerApiError(`GET ${path} answered ${response.status} ${response.statusText}${apiWords(text)}${limited}`, response.status >= 500 || response.status === 429 ? 69 : 1);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HetznerApiError(`GET ${path}: the answer is not complete JSON (${text.length} characters, cut off or not JSON); try again later`, 69);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      throw new HetznerApiError(`GET ${path}: unexpected answer: ${where}${issue?.message ?? "invalid"}`, 69);
    }
    return parsed.data;
  }
}

/** Every server type with its per-location prices (all pages), and the currency. Paging
 *  must advance (next_page beyond the page read) and stops after MAX_PAGES. */
export async function fetchHetznerPrices(token: string, endpoint: string = DEFAULT_ENDPOINT, options: FetchOptions = {}): Promise<HetznerPrices> {
  const session: Session = { endpoint, token, timeoutMs: options.timeoutMs ?? 30_000, requests: 0 };
  const pricing = await getJson(session, "/pricing", PricingSchema);
  const serverTypes: HetznerServerType[] = [];
  for (let page: number | null = 1; page !== null;) {
    if (page > MAX_PAGES) {
      throw new HetznerApiError(`GET /server_types: more than ${MAX_PAGES} pages of server types; the API's paging looks broken, nothing was changed`, 69);
    }
    const path = `/server_types?page=${page}&per_page=50`;
    const body: z.infer<typeof ServerTypesPage> = await getJson(session, path, ServerTypesPage);
    serverTypes.push(...body.server_types);
    const next: number | null = body.meta?.pagination.next_page ?? null;
    if (next !== null && next <= page) {
      throw new HetznerApiError(`GET ${path}: next_page is ${next}, which does not advance past page ${page}; stopped paging, nothing was changed`, 69);
    }
    page = next;
  }
  return { currency: pricing.pricing.currency, serverTypes };
}
