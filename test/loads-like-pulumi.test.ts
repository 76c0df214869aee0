import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { engineWorkingDir, nodejsEntrypoint } from "./engine/model";

const ROOT = join(__dirname, "..");
const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string };
const { pwd, main } = engineWorkingDir(ROOT, project.main);
const entrypoint = nodejsEntrypoint(pwd, main, JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { main?: string });

/** Registers TypeScript the way `pulumi up` does (@pulumi/pulumi cmd/run/run.js: its
 *  vendored ts-node, the project's TypeScript, type checking on, nodenext for TS >= 4.7)
 *  from the engine's working directory (test/engine/model.ts), and requires the program
 *  the nodejs language host picks there. */
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
const program = require(process.argv[1]);
console.log(typeof program, require(typescriptRequire).version);
`;

describe("the stack program", () => {
  it("loads with Pulumi's own ts-node registration and exports the program function", () => {
    const run = spawnSync(process.execPath, ["-e", LOADER, entrypoint], { cwd: pwd, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^function 5\.\d+\.\d+$/);
  }, 120_000);
});
