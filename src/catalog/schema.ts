import { z } from "zod";

/** A 3-letter provider code as used in hostnames (`het`). */
export const ProviderCode = z.string().regex(/^[a-z]{3}$/, "must be 3 lowercase letters");

export const ProviderSchema = z.strictObject({
  name: z.string().min(1),
  /** Whether node-fleet can create servers with this provider today. */
  provisions: z.boolean(),
});
export const ProvidersFileSchema = z.strictObject({ providers: z.record(ProviderCode, ProviderSchema) });
export type Provider = z.infer<typeof ProviderSchema> & { readonly code: string };

export const RegionSchema = z.strictObject({
  /** The provider's own id, what its API takes (`ash`, `us-east-1`). */
  native: z.string().min(1),
  /** The normalized hostname code: 3 letters and a digit (`ash1`). */
  code: z.string().regex(/^[a-z]{3}[0-9]$/, "must be 3 lowercase letters and a digit, e.g. fsn1"),
  /** ISO 3166-1 alpha-2, lowercase. */
  country: z.string().regex(/^[a-z]{2}$/, "must be a 2-letter lowercase ISO 3166-1 code, e.g. de"),
  city: z.string().min(1),
});
export const RegionsFileSchema = z.strictObject({ regions: z.record(ProviderCode, z.array(RegionSchema)) });
export type Region = z.infer<typeof RegionSchema> & { readonly provider: string };

export const SizeSchema = z.strictObject({
  vcpus: z.number().int().positive(),
  cpu: z.enum(["shared", "dedicated"]),
  memoryGb: z.number().positive(),
  diskGb: z.number().int().positive(),
  monthlyEur: z.number().positive(),
  hourlyEur: z.number().positive(),
  capacity: z.strictObject({
    maxDomains: z.number().int().positive(),
    bandwidthGb: z.number().int().positive(),
  }),
  /** Normalized region codes where the type can be ordered. */
  locations: z.array(z.string()).min(1),
  deprecated: z.boolean().default(false),
  replacedBy: z.string().optional(),
  /** Prices in the locations (normalized codes) where Hetzner charges other than
   *  monthlyEur/hourlyEur, e.g. the US and Singapore; written by `fleet catalog refresh`. */
  locationPrices: z.record(z.string(), z.strictObject({ monthlyEur: z.number().positive(), hourlyEur: z.number().positive() })).optional(),
});
/** What a provider bills for one address a node keeps of its own (a Hetzner Primary IP). */
export const AddressPriceSchema = z.strictObject({
  monthlyEur: z.number().nonnegative(),
  hourlyEur: z.number().nonnegative(),
});
export type AddressPrice = z.infer<typeof AddressPriceSchema>;

export const SizesFileSchema = z.strictObject({
  prices: z.strictObject({
    currency: z.literal("EUR"),
    vat: z.enum(["excluded", "included"]),
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD"),
    source: z.string().min(1),
  }),
  sizes: z.record(ProviderCode, z.record(z.string().regex(/^[a-z0-9-]+$/), SizeSchema)),
  /** Prices of the addresses each node keeps across rebuilds, per provider. */
  primaryIps: z.record(ProviderCode, z.strictObject({ ipv4: AddressPriceSchema, ipv6: AddressPriceSchema })),
});
export type Size = z.infer<typeof SizeSchema> & { readonly name: string; readonly provider: string };
export type PriceInfo = z.infer<typeof SizesFileSchema>["prices"];
export type PrimaryIpPrices = z.infer<typeof SizesFileSchema>["primaryIps"];

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 sum: 64 lowercase hex digits (sha256sum FILE)");
const GitTag = z.string().regex(/^v\d+\.\d+\.\d+$/, "must be a release tag as the repository spells it, e.g. v8.1.3");

/** The panel's installer, pinned to a tag and verified by checksum before it runs. */
export const InstallerSchema = z.strictObject({
  tag: GitTag,
  sha256: Sha256,
  /** Tag of the function library the installer sources from its own directory. */
  slibTag: GitTag,
  slibSha256: Sha256,
});
export type Installer = z.infer<typeof InstallerSchema>;

export const PanelSchema = z.strictObject({
  name: z.string().min(1),
  status: z.enum(["implemented", "planned"]),
  license: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "must be a pinned version, e.g. 8.1.0").optional(),
  webminVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "must be a pinned version, e.g. 2.660").optional(),
  installer: InstallerSchema.optional(),
  apiPort: z.number().int().min(1).max(65535).optional(),
  /** Node type codes the panel is installed on. */
  serves: z.array(z.string().regex(/^[a-z]{3}$/)).min(1),
  /** Image names the panel's installer supports. */
  images: z.array(z.string()),
}).superRefine((panel, ctx) => {
  if (panel.status !== "implemented") return;
  for (const key of ["version", "webminVersion", "installer"] as const) {
    if (panel[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: `an implemented panel needs a pinned ${key}` });
  }
});
export const PanelsFileSchema = z.strictObject({ panels: z.record(z.string().regex(/^[a-z0-9-]+$/), PanelSchema) });
export type Panel = z.infer<typeof PanelSchema> & { readonly id: string };
