import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { readCatalog } from "../../catalog/load";
import { DEFAULT_ENDPOINT, fetchHetznerPrices, HetznerApiError } from "../../catalog/refresh/hetzner-api";
import { rewriteSizes } from "../../catalog/refresh/rewrite-sizes";
import { displayPath } from "../../source/display-path";
import { InvalidInputError } from "../../source/issues";
import { EXIT, type Io } from "../format";
import { replaceFileContent } from "../../source/replace-file";

export interface CatalogRefreshOptions {
  readonly catalogDir: string;
  readonly dryRun: boolean;
  /** Today as YYYY-MM-DD (UTC); a parameter so the date written is the one reported. */
  readonly today: string;
}

/** `fleet catalog refresh`: Hetzner's current server types and per-location prices into
 *  catalog/sizes.yaml (comments kept), checked by loading the result before it replaces
 *  the file, so a bad answer changes nothing. */
export async function catalogRefreshCommand(io: Io, env: NodeJS.ProcessEnv, opts: CatalogRefreshOptions): Promise<number> {
  const token = env.HCLOUD_TOKEN;
  if (!token) {
    io.err("fleet catalog refresh: HCLOUD_TOKEN is not set; export a read-only Hetzner Cloud API token (Console → Security → API tokens)");
    return EXIT.usage;
  }
  const { catalog, issues } = readCatalog(opts.catalogDir);
  if (!catalog) throw new InvalidInputError(issues);
  const endpoint = env.HCLOUD_ENDPOINT ?? DEFAULT_ENDPOINT;
  io.err(`reading server types and prices from ${endpoint}…`);
  let api;
  try {
    api = await fetchHetznerPrices(token, endpoint);
  } catch (err) {
    if (err instanceof HetznerApiError) {
      io.err(`fleet catalog refresh: ${err.message}`);
      return err.exitCode === 1 ? EXIT.invalidInput : EXIT.serviceUnreachable;
    }
    throw err;
  }
  const file = join(opts.catalogDir, "sizes.yaml");
  const report = rewriteSizes(readFileSync(file, "utf8"), api, catalog, opts.today);
  for (const change of report.changes) io.out(change);
  if (report.notAdded.length > 0) {
    io.out(`not in the catalog (add by hand with their capacity): ${report.notAdded.join(", ")}`);
  }
  if (opts.dryRun) {
    io.out(report.text);
    return EXIT.ok;
  }
  // Load the new catalog from a scratch copy first: a refresh never leaves a catalog
  // that does not load. Its issues name the catalog's own files: the scratch copy is
  // gone by the time the operator reads them.
  const scratch = mkdtempSync(join(tmpdir(), "catalog-refresh-"));
  try {
    cpSync(opts.catalogDir, scratch, { recursive: true });
    writeFileSync(join(scratch, "sizes.yaml"), report.text);
    const check = readCatalog(scratch);
    if (!check.catalog) {
      const scratchPrefix = displayPath(scratch);
      throw new InvalidInputError(check.issues.map((issue) => issue.file.startsWith(scratchPrefix)
        ? { ...issue, file: displayPath(join(opts.catalogDir, relative(scratchPrefix, issue.file))) } : issue));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  try {
    replaceFileContent(file, report.text);
  } catch (err) {
    io.err(`fleet catalog refresh: cannot write ${file}: ${(err as Error).message} (it was left as it was)`);
    return EXIT.invalidInput;
  }
  io.err(`${file}: ${report.changes.length} changes, prices as of ${opts.today}`);
  return EXIT.ok;
}
