import type { Catalog } from "../../catalog/catalog";
import { eur } from "../../format/money";
import { table } from "../../format/table";
import { EXIT, type Io } from "../format";

export const CATALOG_VIEWS = ["providers", "regions", "sizes", "panels"] as const;
export type CatalogView = (typeof CATALOG_VIEWS)[number];

/** `fleet catalog [view]`: the reference data as readable tables. */
export function catalogCommand(io: Io, catalog: Catalog, views: readonly CatalogView[]): number {
  const sections: Record<CatalogView, () => string> = {
    providers: () => table(["code", "provider", "provisions"],
      catalog.providers().map((p) => [p.code, p.name, p.provisions ? "yes" : "not yet"])),
    regions: () => table(["provider", "code", "native", "country", "city"],
      catalog.regions().map((r) => [r.provider, r.code, r.native, r.country, r.city])),
    sizes: () => `${table(["provider", "size", "vcpus", "cpu", "memory GB", "disk GB", "€/month", "€/hour", "max domains", "sold in", "status"],
      catalog.sizes().map((s) => [s.provider, s.name, s.vcpus, s.cpu, s.memoryGb, s.diskGb, eur(s.monthlyEur), s.hourlyEur.toFixed(4),
        s.capacity.maxDomains, s.locations.join(","), s.deprecated ? `deprecated → ${s.replacedBy ?? "?"}` : "current"]))}\n` +
      `Prices: ${catalog.prices.currency}, VAT ${catalog.prices.vat}, as of ${catalog.prices.asOf} (${catalog.prices.source})`,
    panels: () => table(["panel", "name", "status", "version", "webmin", "serves", "images"],
      catalog.panels().map((p) => [p.id, p.name, p.status, p.version ?? "-", p.webminVersion ?? "-", p.serves.join(","), p.images.join(",") || "-"])),
  };
  io.out(views.map((v) => `${v.toUpperCase()}\n${sections[v]()}`).join("\n\n"));
  return EXIT.ok;
}
