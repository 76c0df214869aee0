// Mutation testing (StrykerJS with its vitest runner): `npm run mutate`, a developer's tool,
// not part of `npm test` (CONTRIBUTING.md says when to run it). Per-test coverage runs only
// the tests that reach a mutant; incremental mode reuses the last run's results for code and
// tests that did not change (reports/stryker-incremental.json), so a second run is quick.
// One test process: the machines this runs on are shared (raise it with --concurrency).
//
// Equivalent mutants, left surviving on purpose (a change no behaviour can observe):
//   (none yet; each entry names file:line, the mutator and why no test can tell the difference)

/** The pure core and every safeguard: what a mutation run must cover (issue 24). */
const MODULES = [
  "src/fleet/**/*.ts",
  "src/plan/**/*.ts",
  "src/review/engine-*.ts",
  "src/health/recovery-plan.ts",
  "src/notify/limiter.ts",
  // The stack settings' source checks: what may reach SSH and Webmin.
  "src/stack/admin-sources.ts",
  "src/stack/cidr.ts",
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.mts", related: true },
  coverageAnalysis: "perTest",
  mutate: MODULES,
  concurrency: 1,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false },
  // The safeguards must score 100 (issue 24); below 80 a module is under-tested.
  thresholds: { high: 100, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
