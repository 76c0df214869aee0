import { auditSinksFromEnv } from "../audit/config";
import { FleetAutomation } from "../automation/operations";
import { PulumiCliError } from "../automation/pulumi-cli";
import { readStackFile } from "../stack/stack-file";
import { readBackupAges, type BackupAge } from "./ages";

export interface StackBackupAgesOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly hostnames: readonly string[];
  readonly timeoutMs: number;
}

/** The age of each node's last good off-node backup, judged against the stack's
 *  `offsiteBackups.maxAgeHours`; undefined when the stack sends no backups off its
 *  nodes; a one-line reason when it cannot be known (no Pulumi CLI, no stack file). */
export async function stackBackupAges(opts: StackBackupAgesOptions): Promise<{ ages: BackupAge[] } | { unavailable: string } | undefined> {
  const settings = readStackFile(opts.projectDir, opts.stack).stack?.settings;
  if (!settings) return { unavailable: `Pulumi.${opts.stack}.yaml could not be read (run \`fleet validate\`)` };
  if (!settings.offsiteBackups) return undefined;
  const fleet = new FleetAutomation({ stack: opts.stack, projectDir: opts.projectDir, env: opts.env, auditSinks: auditSinksFromEnv(opts.env, "off") });
  try {
    const outputs = await fleet.outputs({ showSecrets: true });
    return { ages: await readBackupAges(outputs, opts.hostnames, settings.offsiteBackups.maxAgeHours, new Date(), opts.timeoutMs) };
  } catch (err) {
    if (err instanceof PulumiCliError) return { unavailable: err.message };
    return { unavailable: `the stack's outputs could not be read: ${(err as Error).message.split("\n")[0]}` };
  }
}
