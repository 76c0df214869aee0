import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** systemd's `LoadCredential=fleet:/etc/node-fleet/credentials` loads each file of that
 *  directory as the credential `fleet_<FILE>` into $CREDENTIALS_DIRECTORY, a directory
 *  only the service can read, so no secret stands in the unit's environment. */
const PREFIX = "fleet_";
const NAME = /^[A-Z][A-Z0-9_]*$/;
/** Read from its file by the Pulumi CLI itself: the passphrase never enters an environment. */
const PASSPHRASE = "PULUMI_CONFIG_PASSPHRASE";

/** The environment with the service's credentials: each `fleet_NAME` as NAME, except the
 *  state passphrase, which the Pulumi CLI reads from the file (PULUMI_CONFIG_PASSPHRASE_FILE).
 *  Without $CREDENTIALS_DIRECTORY (a run from a shell) the environment is unchanged. */
export function withCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) return env;
  const loaded: NodeJS.ProcessEnv = { ...env };
  for (const file of readdirSync(dir)) {
    const name = file.startsWith(PREFIX) ? file.slice(PREFIX.length) : "";
    const path = join(dir, file);
    if (!NAME.test(name) || !statSync(path).isFile()) continue;
    if (name === PASSPHRASE) {
      delete loaded[PASSPHRASE];
      loaded[`${PASSPHRASE}_FILE`] = path;
    } else {
      loaded[name] = readFileSync(path, "utf8").replace(/\r?\n$/, "");
    }
  }
  return loaded;
}
