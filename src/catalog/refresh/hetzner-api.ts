import { z } from "zod";
import { requestFailure, urlOrigin } from "../../source/request-failure";

/** A price as the Hetzner Cloud API gives it: decimal strings, net and gross of VAT. */
const Price = z.object({ net: z.string(), gross: z.string() });

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

export interface HetznerPrices {
  readonly currency: string;
  readonly serverTypes: readonly HetznerServerType[];
}

/** Where the API is: HCLOUD_ENDPOINT as the hcloud CLI and SDKs read it. */
export const DEFAULT_ENDPOINT = "https://api.hetzner.cloud/v1";

/** A failure talking to the API, with what to do about it. */
export class HetznerApiError extends Error {}

async function getJson<T>(endpoint: string, path: string, token: string, schema: z.ZodType<T>): Promise<T> {
  const url = `${endpoint.replace(/\/$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new HetznerApiError(`cannot reach the Hetzner Cloud API at ${urlOrigin(endpoint)}: ${requestFailure(err)}`);
  }
  if (response.status === 401) throw new HetznerApiError(`the Hetzner Cloud API refused the token (401) for ${path}; check HCLOUD_TOKEN`);
  if (!response.ok) throw new HetznerApiError(`GET ${path} answered ${response.status} ${response.statusText}`);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new HetznerApiError(`GET ${path}: unexpected answer: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** Every server type with its per-location prices (all pages), and the currency. */
export async function fetchHetznerPrices(token: string, endpoint: string = DEFAULT_ENDPOINT): Promise<HetznerPrices> {
  const pricing = await getJson(endpoint, "/pricing", token, PricingSchema);
  const serverTypes: HetznerServerType[] = [];
  for (let page: number | null = 1; page !== null;) {
    const body: z.infer<typeof ServerTypesPage> = await getJson(endpoint, `/server_types?page=${page}&per_page=50`, token, ServerTypesPage);
    serverTypes.push(...body.server_types);
    page = body.meta?.pagination.next_page ?? null;
  }
  return { currency: pricing.pricing.currency, serverTypes };
}
