import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { STEP_COMMANDS } from "../../src/components/commands";
import { commandWorkingDir, engineWorkingDir, nodejsEntrypoint } from "./model";

const ROOT = join(__dirname, "../..");
const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string };
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { main?: string };

/** The file `/bin/sh -c LINE` starts in `cwd`: a first word with a slash is a path
 *  relative to cwd; `node FILE` loads FILE relative to cwd. */
function scriptOf(line: string, cwd: string): string {
  const [first, second] = line.split(" ");
  return join(cwd, first === "node" ? second! : first!);
}

describe("the engine's working directory", () => {
  const { pwd, main } = engineWorkingDir(ROOT, project.main);

  it("is the project root, so the steps' relative commands resolve", () => {
    expect(pwd).toBe(ROOT);
  });

  it("loads package.json's main as the program", () => {
    expect(nodejsEntrypoint(pwd, main, pkg)).toBe(join(ROOT, "src/index.ts"));
  });

  it.each(Object.entries(STEP_COMMANDS))("finds the %s step's script from the command provider's directory", (_step, line) => {
    const script = scriptOf(line, commandWorkingDir(pwd));
    expect(existsSync(script)).toBe(true);
  });

  it("can execute the provisioning script", () => {
    expect(() => accessSync(scriptOf(STEP_COMMANDS.provision, commandWorkingDir(pwd)), constants.X_OK)).not.toThrow();
  });

  it("would be src/ with `main: src/index.ts`, where no step's script exists", () => {
    const inSrc = engineWorkingDir(ROOT, "src/index.ts");
    expect(inSrc).toEqual({ pwd: join(ROOT, "src"), main: "index.ts" });
    for (const line of Object.values(STEP_COMMANDS)) expect(existsSync(scriptOf(line, inSrc.pwd))).toBe(false);
  });
});
