// Setup of `npm run test:quick` (vitest.quick.mts): the quick loop starts no process, so
// a test that tries fails at once, naming itself, instead of slowing the loop down or
// depending on tools the machine may lack. Such a test belongs in FULL_SUITE_ONLY (vitest.quick.mts).
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import { expect } from "vitest";

const STARTERS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

for (const name of STARTERS) {
  Object.defineProperty(childProcess, name, {
    configurable: true,
    value: (command: unknown) => {
      const test = expect.getState().testPath ?? "a test";
      throw new Error(`${test} starts a child process (${name} ${String(command)}), which test:quick does not run; ` +
        "list the file in FULL_SUITE_ONLY (vitest.quick.mts)");
    },
  });
}
// `import { spawn } from "node:child_process"` reads the module's named exports: update them too.
syncBuiltinESMExports();
