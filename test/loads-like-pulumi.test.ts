import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");

/** Registers TypeScript the way `pulumi up` does (@pulumi/pulumi cmd/run/run.js: its
 *  vendored ts-node, the project's TypeScript, type checking on, nodenext for TS >= 4.7)
 *  and requires the stack program named in Pulumi.yaml. */
const LOADER = `
const path = require("path");
const tsutils = require("@pulumi/pulumi/tsutils");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const project = path.join(process.cwd(), "tsconfig.json");
require(tsnodeRequire).register({
  compiler: typescriptRequire, transpileOnly: undefined, project, skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true",
    ...tsutils.loadTypeScriptCompilerOptions(project) },
});
const program = require(path.join(process.cwd(), "src/index.ts"));
console.log(typeof program, require(typescriptRequire).version);
`;

describe("the stack program", () => {
  it("loads with Pulumi's own ts-node registration and exports the program function", () => {
    const run = spawnSync(process.execPath, ["-e", LOADER], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^function 5\.\d+\.\d+$/);
  }, 120_000);
});
