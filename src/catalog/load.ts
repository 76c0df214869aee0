import { join, resolve } from "node:path";
import type { z } from "zod";
import { displayPath } from "../source/display-path";
import { hasErrors, InvalidInputError, type Issue } from "../source/issues";
import { readTextFile } from "../source/text-file";
import { dataOf, parseYamlSource, type YamlSource } from "../source/yaml-source";
import { zodIssuesToIssues } from "../source/zod-issues";
import { Catalog } from "./catalog";
import { catalogCrossChecks, type Parsed } from "./cross-checks";
import { PanelsFileSchema, ProvidersFileSchema, RegionsFileSchema, SizesFileSchema } from "./schema";

/** The catalog shipped with node-fleet (`catalog/` at the package root). */
export const DEFAULT_CATALOG_DIR = resolve(__dirname, "../../catalog");

const FILES = {
  providers: ["providers.yaml", ProvidersFileSchema],
  regions: ["regions.yaml", RegionsFileSchema],
  sizes: ["sizes.yaml", SizesFileSchema],
  panels: ["panels.yaml", PanelsFileSchema],
} as const;

/** Reads and checks a catalog directory; every problem in every file is returned. */
export function readCatalog(dir: string = DEFAULT_CATALOG_DIR): { catalog?: Catalog; issues: Issue[] } {
  const issues: Issue[] = [];
  const read = <S extends z.ZodType>(name: string, schema: S): Parsed<z.infer<S>> | undefined => {
    const file = displayPath(join(dir, name));
    const read = readTextFile(join(dir, name), file, "catalog");
    if ("issue" in read) {
      issues.push(read.issue);
      return undefined;
    }
    const { source, issues: syntax } = parseYamlSource(file, read.text);
    issues.push(...syntax);
    if (hasErrors(syntax)) return undefined;
    const result = schema.safeParse(dataOf(source), { reportInput: true });
    if (!result.success) {
      issues.push(...zodIssuesToIssues(source, schema, result.error, "catalog-schema"));
      return undefined;
    }
    return { source, data: result.data };
  };

  const providers = read(...FILES.providers);
  const regions = read(...FILES.regions);
  const sizes = read(...FILES.sizes);
  const panels = read(...FILES.panels);
  if (!providers || !regions || !sizes || !panels) return { issues };

  const catalog = new Catalog(
    Object.entries(providers.data.providers).map(([code, p]) => ({ code, ...p })),
    Object.entries(regions.data.regions).flatMap(([provider, list]) => list.map((r) => ({ provider, ...r }))),
    Object.entries(sizes.data.sizes).flatMap(([provider, map]) =>
      Object.entries(map).map(([name, s]) => ({ provider, name, ...s }))),
    Object.entries(panels.data.panels).map(([id, p]) => ({ id, ...p })),
    sizes.data.prices,
    sizes.data.primaryIps,
  );
  issues.push(...catalogCrossChecks(catalog, { providers, regions, sizes, panels }));
  return hasErrors(issues) ? { issues } : { catalog, issues };
}

/** Loads a catalog or throws an InvalidInputError naming every problem. */
export function loadCatalog(dir: string = DEFAULT_CATALOG_DIR): Catalog {
  const { catalog, issues } = readCatalog(dir);
  if (!catalog) throw new InvalidInputError(issues);
  return catalog;
}


