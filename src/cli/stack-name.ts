import type { Command } from "commander";
import { stackNameProblem } from "../stack/stack-names";

/** A stack name is a path (state directories, `Pulumi.<stack>.yaml`) and an identity
 *  (`pulumi stack init`), so every command that takes `--stack` refuses a name that is
 *  not an environment's before its action touches anything, as a command-line error. */
export function refuseUnknownStacks(program: Command, usageExit: number): void {
  program.hook("preAction", (_program, action) => {
    const stack = action.opts<{ stack?: unknown }>().stack;
    const problem = typeof stack === "string" ? stackNameProblem(stack) : undefined;
    if (problem) action.error(`fleet ${action.name()}: --stack: ${problem}`, { exitCode: usageExit, code: "fleet.stack" });
  });
}
