import type { Command } from "commander";

/** The options that name a stack and where its files are, shared by every command that
 *  reads a stack's fleet: `--fleet` is relative to the current directory, `--project`
 *  only says where `Pulumi.<stack>.yaml` is. */
export function withStackOptions(command: Command): Command {
  return command
    .option("--stack <stack>", "stack name: prd, stg or dev", "prd")
    .option("--fleet <file>", "fleet file (default: the stack's node-fleet:fleetFile)")
    .option("--project <dir>", "project directory holding Pulumi.<stack>.yaml", ".");
}
