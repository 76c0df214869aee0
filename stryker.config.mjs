// Mutation testing (StrykerJS with its vitest runner): `npm run mutate`, a developer's tool,
// not part of `npm test` (CONTRIBUTING.md says when to run it). Per-test coverage runs only
// the tests that reach a mutant; incremental mode reuses the last run's results for code and
// tests that did not change (reports/stryker-incremental.json), so a second run is quick.
// One test process: the machines this runs on are shared (raise it with --concurrency).
//
// Equivalent mutants, left surviving on purpose: no behaviour can tell them from the code
// (file:line, the mutant, why). Any other survivor is a rule no test states yet.
//   src/notify/limiter.ts:26 `next["*"] ?? ["Stryker was here"]`: the filter `t > hour`
//     drops a string (a string compared with a number is false), so the count is unchanged.
//   src/notify/limiter.ts:27 `next[key] ?? ["Stryker was here"]`: `now - "Stryker was here"`
//     is NaN and `NaN < window` is false, so a key never sent is admitted as before.
//   src/notify/limiter.ts:28 `true && now - last < …` (for `last !== undefined`): with no
//     last send `now - undefined` is NaN and the comparison false, as the guard makes it.
//   src/review/engine-rules.ts:13 `Array.isArray(value)` made false in containsUnknown: an
//     array then takes the object branch, whose Object.values are its elements.
//   src/stack/admin-sources.ts:17 the comparator's `<` made `<=`, and its second test
//     (`a.start > b.start ? 1 : 0`) made `>=`, `<=`, `true` or `false`: V8's sort reads only
//     whether the result is below zero, which none of these changes for two different
//     starts; blocks with the same start may come in either order, as the sweep keeps the
//     furthest end.
//   src/stack/admin-sources.ts:21 `r.end >= reached`: assigns the value it already has.
//   src/stack/admin-sources.ts:41 `parsed = ["Stryker was here"]`: a string has no family,
//     so familiesCovered filters it out with the blocks of the other family.
//   src/stack/admin-sources.ts:60 `parseCidr(s).family` (no `?.`): the line runs only when
//     no source had a problem, so every source parses.

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
