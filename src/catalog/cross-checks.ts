import { issueAt, type Issue } from "../source/issues";
import { posOfPath, type YamlSource } from "../source/yaml-source";
import { NODE_TYPES } from "./node-types";
import type { Catalog } from "./catalog";
import type { z } from "zod";
import type { PanelsFileSchema, ProvidersFileSchema, RegionsFileSchema, SizesFileSchema } from "./schema";

/** A catalog file, read and checked against its schema. */
export interface Parsed<T> {
  readonly source: YamlSource;
  readonly data: T;
}

interface CatalogFiles {
  providers: Parsed<z.infer<typeof ProvidersFileSchema>>;
  regions: Parsed<z.infer<typeof RegionsFileSchema>>;
  sizes: Parsed<z.infer<typeof SizesFileSchema>>;
  panels: Parsed<z.infer<typeof PanelsFileSchema>>;
}

/** What no single file's schema can see: references between files, and uniqueness
 *  of codes within a provider (a hostname must map to exactly one region). */
export function catalogCrossChecks(catalog: Catalog, files: CatalogFiles): Issue[] {
  const issues: Issue[] = [];
  const err = (file: keyof CatalogFiles, path: (string | number)[], message: string) =>
    issues.push(issueAt(posOfPath(files[file].source, path), "catalog-reference", message));
  const providerCodes = catalog.providers().map((p) => p.code);

  for (const [provider, list] of Object.entries(files.regions.data.regions)) {
    if (!catalog.provider(provider)) {
      err("regions", ["regions", provider], `regions for unknown provider "${provider}"; providers: ${providerCodes.join(", ")}`);
    }
    const seen = new Map<string, number>();
    list.forEach((region, index) => {
      for (const field of ["code", "native"] as const) {
        const key = `${field}:${region[field]}`;
        const first = seen.get(key);
        if (first !== undefined) {
          err("regions", ["regions", provider, index, field],
            `${field} "${region[field]}" appears twice for ${provider} (entries ${first + 1} and ${index + 1})`);
        }
        seen.set(key, index);
      }
    });
  }

  for (const [provider, sizes] of Object.entries(files.sizes.data.sizes)) {
    for (const [name, size] of Object.entries(sizes)) {
      size.locations.forEach((code, index) => {
        if (!catalog.region(provider, code)) {
          err("sizes", ["sizes", provider, name, "locations", index],
            `size ${name} is sold in unknown ${provider} region "${code}"; regions: ${catalog.regions(provider).map((r) => r.code).join(", ")}`);
        }
      });
      if (size.replacedBy !== undefined) {
        const successor = catalog.size(provider, size.replacedBy);
        if (!successor || successor.deprecated) {
          err("sizes", ["sizes", provider, name, "replacedBy"],
            `replacedBy "${size.replacedBy}" must name a ${provider} size that is not deprecated`);
        }
      }
    }
  }

  // Every node keeps an IPv4 and an IPv6 of its own, billed apart from the server.
  for (const provider of catalog.provisioningProviders()) {
    if (!files.sizes.data.primaryIps[provider.code]) {
      err("sizes", ["primaryIps"], `no primaryIps prices for ${provider.code}, which provisions servers; add ipv4 and ipv6 prices`);
    }
  }

  for (const [id, panel] of Object.entries(files.panels.data.panels)) {
    panel.serves.forEach((type, index) => {
      if (!NODE_TYPES.some((t) => t.code === type)) {
        err("panels", ["panels", id, "serves", index],
          `panel ${id} serves unknown node type "${type}"; types: ${NODE_TYPES.map((t) => t.code).join(", ")}`);
      }
    });
    if (panel.status === "implemented" && (!panel.version || panel.images.length === 0)) {
      err("panels", ["panels", id], `implemented panel ${id} needs a pinned version and at least one image`);
    }
  }
  return issues;
}
