import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.mts";
import { FULL_SUITE_ONLY } from "./vitest.quick.mts";

/** The tests a mutation run (`npm run mutate`, stryker.config.mjs) uses: those of the
 *  mutated modules' folders, without the ones that need the build, the test host or
 *  child processes (Stryker runs them in a sandbox copy, once per mutant they cover).
 *  MUTATE_TESTS (comma-separated globs) narrows them for a run on one module: the
 *  health folder's simulations alone take minutes per pass. */
const FOLDERS = ["test/fleet/**/*.test.ts", "test/plan/**/*.test.ts", "test/review/**/*.test.ts", "test/health/**/*.test.ts",
  "test/notify/**/*.test.ts", "test/stack/**/*.test.ts", "test/engine/**/*.test.ts"];

export default defineConfig({
  test: {
    ...base.test,
    include: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(",") : FOLDERS,
    exclude: [...configDefaults.exclude, ...FULL_SUITE_ONLY.map((t) => t.file), "test/review/catalog-refresh.test.ts"],
  },
});
