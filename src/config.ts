import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { parseStackConfig, type ParseOptions } from "./stack/parse-config";
import type { ConfigValue } from "./stack/pulumi-config";
import { CONFIG_NAMESPACE, SECRET_KEYS, type StackSettings } from "./stack/settings";

/** The stack's settings, plus its secrets as secret outputs. */
export interface StackConfig {
  readonly stack: string;
  readonly settings: StackSettings;
  /** Present when auto-registration is on. */
  readonly registrationToken?: pulumi.Output<string>;
  /** The object store's secret key; present when offsiteBackups is set. */
  readonly offsiteBackupSecretKey?: pulumi.Output<string>;
}

/** Reads and checks the stack config before any resource is declared, with the same
 *  parser `fleet` uses on the stack file. Every problem is reported at once, naming the
 *  key and the command that fixes it; warnings go to Pulumi's log. */
export function readStackConfig(options: ParseOptions = { documentationAddresses: underMocks() ? "warning" : "error" }): StackConfig {
  const stack = pulumi.getStack();
  const parsed = parseStackConfig(engineConfig(), stack, options);
  const problems = parsed.problems.filter((p) => p.severity === "error").map((p) => p.message);
  for (const warning of parsed.problems.filter((p) => p.severity === "warning")) pulumi.log.warn(warning.message);
  const token = new pulumi.Config(CONFIG_NAMESPACE).getSecret("registrationToken");
  if (parsed.settings?.features.autoRegistration && token === undefined) {
    problems.push(`${SECRET_KEYS.registrationToken} is not set while features.autoRegistration is on; ` +
      `fix: pulumi config set --secret ${SECRET_KEYS.registrationToken} <token> -s ${stack}`);
  }
  const backupKey = new pulumi.Config(CONFIG_NAMESPACE).getSecret("offsiteBackupSecretKey");
  if (parsed.settings?.offsiteBackups && backupKey === undefined) {
    problems.push(`${SECRET_KEYS.offsiteBackupSecretKey} is not set while offsiteBackups is; ` +
      `fix: pulumi config set --secret ${SECRET_KEYS.offsiteBackupSecretKey} <secret access key> -s ${stack}`);
  }
  if (!parsed.settings || problems.length > 0) {
    throw new pulumi.RunError(`stack config of "${stack}" (Pulumi.${stack}.yaml) is invalid:\n  ${problems.join("\n  ")}`);
  }
  const { settings } = parsed;
  return {
    stack, settings,
    ...(settings.features.autoRegistration && token ? { registrationToken: token } : {}),
    ...(settings.offsiteBackups && backupKey ? { offsiteBackupSecretKey: backupKey } : {}),
  };
}

/** The config the engine handed over (text per key) and which keys it marked secret
 *  (PULUMI_CONFIG_SECRET_KEYS, read by the SDK's runtime isConfigSecret). */
function engineConfig(): Map<string, ConfigValue> {
  const { isConfigSecret } = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof isConfigSecret !== "function") {
    // Without it every secret would look like plain text; refuse rather than guess.
    throw new pulumi.RunError("this @pulumi/pulumi has no runtime.isConfigSecret; install the version package-lock.json pins (npm ci)");
  }
  const isSecret = isConfigSecret;
  return new Map(Object.entries(pulumi.runtime.allConfig()).map(([key, text]) => [key, { text, secret: isSecret(key) }]));
}

/** Under Pulumi's mocks (the offline plan, unit tests) nothing is deployed, so the
 *  documentation addresses of the bundled example are only a warning. */
function underMocks(): boolean {
  return pulumi.runtime.getMonitor() instanceof MockMonitor;
}
