import { join } from "node:path";
import { loadCatalog } from "../src/catalog/load";
import type { Catalog } from "../src/catalog/catalog";
import { validateFleetFile, validateFleetText } from "../src/fleet/validate";
import type { Issue } from "../src/source/issues";

export const FIXTURES = join(__dirname, "fixtures");

let catalog: Catalog | undefined;
/** The bundled catalog, loaded once per test file. */
export function bundledCatalog(): Catalog {
  catalog ??= loadCatalog();
  return catalog;
}

/** Every issue of a fixture fleet (test/fixtures/fleet/NAME). */
export function validateFixture(name: string): readonly Issue[] {
  return validateFleetFile(join(FIXTURES, "fleet", name), bundledCatalog()).issues;
}

/** Every issue of fleet text given inline. */
export function validateText(text: string): readonly Issue[] {
  return validateFleetText("fleet.yaml", text, bundledCatalog()).issues;
}

/** Issues of one rule only. */
export function issuesOf(issues: readonly Issue[], code: string): Issue[] {
  return issues.filter((i) => i.code === code);
}
