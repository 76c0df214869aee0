import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { LocalWorkspace, type PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { CORRELATION_ENV } from "./correlation";
import { OperationRefusedError } from "./errors";
import { stackNameProblem } from "../stack/stack-names";

/** This project's directory (holding Pulumi.yaml), from src/automation or dist/automation. */
export const PROJECT_DIR = resolve(__dirname, "..", "..");

/** Where state goes when neither PULUMI_BACKEND_URL nor a `pulumi login` says (docs/operations-and-automation-api.md),
 *  for a stack that is already there. */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  return join(env.HOME ?? homedir(), ".pulumi-state");
}

/** Our own variable for the secrets provider of a stack we create (`awskms://…`,
 *  `passphrase`, …); Pulumi's default for a self-managed backend is the passphrase. */
export const SECRETS_PROVIDER_ENV = "NODE_FLEET_SECRETS_PROVIDER";

/** Variables the engine reads for secrets; passed on from the caller's environment. */
const PASSED_ON = ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_ACCESS_TOKEN", "PULUMI_HOME"] as const;

export interface Backend {
  /** The backend URL: the variable's, the current `pulumi login`'s, or the default's. */
  readonly url: string;
  readonly source: "PULUMI_BACKEND_URL" | "pulumi login" | "default";
}

/** PULUMI_BACKEND_URL, else the current `pulumi login`, else local files in
 *  ~/.pulumi-state. A login keeps its URL in `current` of credentials.json (pulumi
 *  v3.248.0 sdk/go/common/workspace/creds.go Credentials; a self-managed login stores the
 *  URL as typed: pkg/backend/diy/backend.go Login stores `be.URL()`, the original URL). */
export function resolveBackend(env: NodeJS.ProcessEnv): Backend {
  if (env.PULUMI_BACKEND_URL) return { url: env.PULUMI_BACKEND_URL, source: "PULUMI_BACKEND_URL" };
  const credentials = join(env.PULUMI_HOME ?? join(env.HOME ?? homedir(), ".pulumi"), "credentials.json");
  if (existsSync(credentials)) {
    try {
      const current = (JSON.parse(readFileSync(credentials, "utf8")) as { current?: unknown }).current;
      if (typeof current === "string" && current !== "") return { url: current, source: "pulumi login" };
    } catch {
      // An unreadable credentials file is no login.
    }
  }
  return { url: `file://${defaultStateDir(env)}`, source: "default" };
}

export class SecretsConfigError extends Error {
  override readonly name = "SecretsConfigError";
}

/** No backend was chosen and the stack is not in the default one: creating it there would
 *  start an empty fleet beside the real one, so we stop first. */
export class BackendConfigError extends Error {
  override readonly name = "BackendConfigError";
}

/** A self-managed backend encrypts a stack's secrets with a passphrase unless the stack
 *  names another provider: without one the CLI would stop halfway, so we stop first. */
export function checkSecrets(env: NodeJS.ProcessEnv, backend: Backend, projectDir: string, stack: string): void {
  const selfManaged = !/^https?:\/\//.test(backend.url);
  if (!selfManaged || env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
  if (env[SECRETS_PROVIDER_ENV] && env[SECRETS_PROVIDER_ENV] !== "passphrase") return;
  const stackFile = join(projectDir, `Pulumi.${stack}.yaml`);
  const provider = existsSync(stackFile) ? /^secretsprovider:\s*(\S+)/m.exec(readFileSync(stackFile, "utf8"))?.[1] : undefined;
  if (provider && provider !== "passphrase") return;
  throw new SecretsConfigError(
    `stack ${stack} keeps its secrets with a passphrase on backend ${backend.url} (from ${backend.source}): set PULUMI_CONFIG_PASSPHRASE or ` +
    `PULUMI_CONFIG_PASSPHRASE_FILE, or ${SECRETS_PROVIDER_ENV} to another secrets provider`);
}

/** The default backend is used only for a stack it already holds. A self-managed backend
 *  keeps a stack at .pulumi/stacks/<project>/<stack>.json[.gz|.zst], or without the project
 *  folder in the legacy layout (pulumi v3.248.0 pkg/backend/diy/store.go
 *  projectReferenceStore.StackBasePath, legacyReferenceStore.StackBasePath). */
export function checkBackend(env: NodeJS.ProcessEnv, backend: Backend, project: string, stack: string): void {
  if (backend.source !== "default") return;
  const stacks = join(defaultStateDir(env), ".pulumi", "stacks");
  const held = [join(stacks, project, stack), join(stacks, stack)]
    .some((base) => ["", ".gz", ".zst"].some((ext) => existsSync(`${base}.json${ext}`)));
  if (held) return;
  throw new BackendConfigError(
    `no Pulumi backend is set and stack ${stack} is not in the default ${backend.url}: set PULUMI_BACKEND_URL to the ` +
    `backend that holds the fleet's state (or run \`pulumi login <url>\`); for a new fleet, PULUMI_BACKEND_URL=${backend.url}`);
}

export interface OpenOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
  readonly correlationId: string;
  readonly cli: PulumiCommand;
  /** Create the stack when it does not exist (a first `up` or `preview`). */
  readonly create: boolean;
}

/** A stack of this project in a LocalWorkspace whose every CLI call carries the backend,
 *  the secrets variables and the correlation id. The CLI passes its environment to the
 *  plugins it starts (pulumi sdk/go/common/resource/plugin/plugin.go ExecPlugin:
 *  os.Environ()), and the command provider to the commands it runs (pulumi-command
 *  provider/pkg/provider/local/commandOutputs.go run: cmd.Env = os.Environ() plus the
 *  resource's environment), so the steps see NODE_CORRELATION_ID without it being an
 *  input: an input would change on every run and re-run every step. */
export async function openStack(options: OpenOptions): Promise<Stack> {
  // Checked before the backend directory or a stack (`stack init`) is created.
  const wrongName = stackNameProblem(options.stack);
  if (wrongName) throw new OperationRefusedError(wrongName, options.correlationId);
  const envVars = stackEnv(options);
  const secretsProvider = options.env[SECRETS_PROVIDER_ENV];
  const args = { stackName: options.stack, workDir: options.projectDir };
  const wsOptions = { envVars, pulumiCommand: options.cli, ...(secretsProvider ? { secretsProvider } : {}) };
  return options.create
    ? LocalWorkspace.createOrSelectStack(args, wsOptions)
    : LocalWorkspace.selectStack(args, wsOptions);
}

/** The variables every CLI call of an operation gets on top of the inherited environment. */
function stackEnv(options: Pick<OpenOptions, "projectDir" | "stack" | "env" | "correlationId">): Record<string, string> {
  const backend = resolveBackend(options.env);
  checkBackend(options.env, backend, projectName(options.projectDir), options.stack);
  checkSecrets(options.env, backend, options.projectDir, options.stack);
  const envVars: Record<string, string> = { [CORRELATION_ENV]: options.correlationId };
  for (const name of PASSED_ON) {
    const value = options.env[name];
    if (value !== undefined) envVars[name] = value;
  }
  envVars.PULUMI_BACKEND_URL = backend.url;
  return envVars;
}

/** The `name:` of the project's Pulumi.yaml, the folder its stacks live in. */
function projectName(projectDir: string): string {
  const file = join(projectDir, "Pulumi.yaml");
  const name = existsSync(file) ? /^name:\s*(\S+)/m.exec(readFileSync(file, "utf8"))?.[1] : undefined;
  return name ?? "node-fleet";
}

/** A CLI command the Automation API has no method for (`state unprotect`), run the way
 *  it runs its own: in the project directory, non-interactive, same environment. */
export function runPulumi(cli: PulumiCommand, options: Pick<OpenOptions, "projectDir" | "stack" | "env" | "correlationId">,
  args: readonly string[]): Promise<void> {
  const env = { ...process.env, ...stackEnv(options), PULUMI_SKIP_UPDATE_CHECK: "true" };
  return new Promise((resolveRun, reject) => {
    execFile(cli.command, [...args, "--non-interactive"], { cwd: options.projectDir, env }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${stderr.trim() || err.message}`));
      else resolveRun();
    });
  });
}
