import type { AddressPrice, Panel, PriceInfo, PrimaryIpPrices, Provider, Region, Size } from "./schema";

/** The reference data (providers, regions, sizes, panels), loaded and cross-checked. */
export class Catalog {
  constructor(
    private readonly providerList: readonly Provider[],
    private readonly regionList: readonly Region[],
    private readonly sizeList: readonly Size[],
    private readonly panelList: readonly Panel[],
    /** Where the prices come from and when they were read. */
    public readonly prices: PriceInfo,
    private readonly primaryIpPrices: PrimaryIpPrices,
  ) {}

  /** What a node's own address of that family costs with the provider; undefined when
   *  the catalog does not price it. */
  primaryIpPrice(provider: string, family: "ipv4" | "ipv6"): AddressPrice | undefined {
    return this.primaryIpPrices[provider]?.[family];
  }

  providers(): readonly Provider[] {
    return this.providerList;
  }

  provider(code: string): Provider | undefined {
    return this.providerList.find((p) => p.code === code);
  }

  /** Providers node-fleet can create servers with today. */
  provisioningProviders(): Provider[] {
    return this.providerList.filter((p) => p.provisions);
  }

  regions(provider?: string): Region[] {
    return this.regionList.filter((r) => provider === undefined || r.provider === provider);
  }

  /** A region by its normalized code (`ash1`). */
  region(provider: string, code: string): Region | undefined {
    return this.regionList.find((r) => r.provider === provider && r.code === code);
  }

  /** A region by normalized code or the provider's native id (`ash1`, `ash`, `us-east`). */
  findRegion(provider: string, codeOrNative: string): Region | undefined {
    const wanted = codeOrNative.toLowerCase();
    return this.region(provider, wanted) ?? this.regionList.find((r) => r.provider === provider && r.native === wanted);
  }

  sizes(provider?: string): Size[] {
    return this.sizeList.filter((s) => provider === undefined || s.provider === provider);
  }

  size(provider: string, name: string): Size | undefined {
    return this.sizeList.find((s) => s.provider === provider && s.name === name);
  }

  /** Sizes that can still be ordered in a region, cheapest first. */
  orderableSizes(provider: string, regionCode: string): Size[] {
    return this.sizes(provider)
      .filter((s) => !s.deprecated && s.locations.includes(regionCode))
      .sort((a, b) => a.monthlyEur - b.monthlyEur || a.name.localeCompare(b.name));
  }

  panels(): readonly Panel[] {
    return this.panelList;
  }

  panel(id: string): Panel | undefined {
    return this.panelList.find((p) => p.id === id);
  }
}
