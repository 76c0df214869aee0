import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, SECRET_KEYS, StackSettingsSchema, type StackSettings } from "./stack/settings";
import { show } from "./source/zod-issues";

/** The stack's settings, plus its secrets as secret outputs. */
export interface StackConfig {
  readonly stack: string;
  readonly settings: StackSettings;
  /** Present when auto-registration is on. */
  readonly registrationToken?: pulumi.Output<string>;
}

const SECRET_CONFIG_KEYS: readonly string[] = [SECRET_KEYS.registrationToken];

/** Reads and checks the stack config before any resource is declared. Every problem is
 *  reported at once, naming the key and the command that fixes it. */
export function readStackConfig(): StackConfig {
  const stack = pulumi.getStack();
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(`${CONFIG_NAMESPACE}:`) && !SECRET_CONFIG_KEYS.includes(key)) {
      raw[key.slice(CONFIG_NAMESPACE.length + 1)] = parseConfigValue(value);
    }
  }
  const problems: string[] = [];
  const parsed = StackSettingsSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      const keys = iss.code === "unrecognized_keys" ? iss.keys : [iss.path.map(String).join(".")];
      for (const key of keys) {
        const full = `${CONFIG_NAMESPACE}:${key.split(".")[0]}`;
        const found = iss.code === "unrecognized_keys" ? "unknown key" : `${iss.message}${"input" in iss && iss.input !== undefined ? ` (found ${show(iss.input)})` : ""}`;
        const fix = iss.code === "unrecognized_keys" ? `pulumi config rm ${full} -s ${stack}` : `pulumi config set ${full} <value> -s ${stack}`;
        problems.push(`${full}${key.includes(".") ? ` (${key})` : ""}: ${found}; fix: ${fix}`);
      }
    }
  } else if (parsed.data.environment !== stack) {
    problems.push(`${CONFIG_NAMESPACE}:environment is "${parsed.data.environment}" but the stack is "${stack}"; ` +
      `a stack deploys its own environment; fix: pulumi config set ${CONFIG_NAMESPACE}:environment ${stack} -s ${stack}`);
  }
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const token = config.getSecret("registrationToken");
  if (parsed.success && parsed.data.features.autoRegistration && token === undefined) {
    problems.push(`${SECRET_KEYS.registrationToken} is not set while features.autoRegistration is on; ` +
      `fix: pulumi config set --secret ${SECRET_KEYS.registrationToken} <token> -s ${stack}`);
  }
  if (!parsed.success || problems.length > 0) {
    throw new pulumi.RunError(`stack config of "${stack}" (Pulumi.${stack}.yaml) is invalid:\n  ${problems.join("\n  ")}`);
  }
  return { stack, settings: parsed.data, ...(parsed.data.features.autoRegistration && token ? { registrationToken: token } : {}) };
}

/** Pulumi hands every config value over as text; structured values and booleans are JSON. */
export function parseConfigValue(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
