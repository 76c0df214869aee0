import { PulumiCommand } from "@pulumi/pulumi/automation";

/** The oldest Pulumi CLI the program works with: the server's rebuild counter relies on
 *  the `replacementTrigger` resource option. */
export const MIN_PULUMI_VERSION = "3.208.0";

export const INSTALL_HINT =
  `install the Pulumi CLI ${MIN_PULUMI_VERSION} or later: curl -fsSL https://get.pulumi.com | sh (https://www.pulumi.com/docs/install/)`;

/** The Pulumi CLI is not on PATH, cannot run, or is older than the minimum. */
export class PulumiCliError extends Error {
  override readonly name = "PulumiCliError";
}

/** Finds `pulumi` on PATH (`pulumi version`) and checks it is recent enough, before any
 *  stack is touched. */
export async function findPulumiCli(): Promise<PulumiCommand> {
  let cli: PulumiCommand;
  try {
    // Our own minimum is stricter than the SDK's, and is checked below with our message.
    cli = await PulumiCommand.get({ skipVersionCheck: true });
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (/ENOENT/.test(text)) throw new PulumiCliError(`the Pulumi CLI was not found on PATH; ${INSTALL_HINT}`);
    throw new PulumiCliError(`the Pulumi CLI could not be run (${firstLine(text)}); ${INSTALL_HINT}`);
  }
  if (!cli.version) throw new PulumiCliError(`\`pulumi version\` did not print a version; ${INSTALL_HINT}`);
  if (cli.version.compare(MIN_PULUMI_VERSION) < 0) {
    throw new PulumiCliError(`the Pulumi CLI ${cli.version.version} is too old; ${INSTALL_HINT}`);
  }
  return cli;
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text;
}
