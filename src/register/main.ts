import { DEFAULT_RETRY, RegistrationError, sendRegistration } from "./client";

/** Environment the registration command reads (set by the HostingNode component). */
const ENV = {
  url: "REGISTRATION_URL",
  token: "REGISTRATION_TOKEN",
  hostname: "NODE_HOSTNAME",
  payload: "NODE_REGISTRATION",
  password: "PANEL_API_PASSWORD",
  timeout: "REGISTRATION_TIMEOUT",
} as const;

/** `register put|delete`: the create and delete of the registration command. Exit 0 on
 *  success, 1 when the platform refused or could not be reached, 2 on bad invocation. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const log = (line: string) => process.stderr.write(`register: ${line}\n`);
  const method = argv[0] === "put" ? "PUT" : argv[0] === "delete" ? "DELETE" : undefined;
  const missing = [ENV.url, ENV.token, ENV.hostname, ...(method === "PUT" ? [ENV.payload, ENV.password] : [])]
    .filter((name) => !env[name]);
  if (!method || missing.length > 0) {
    log(method ? `missing environment: ${missing.join(", ")}` : "usage: register put|delete (inputs come from the environment)");
    return 2;
  }
  let body: Record<string, unknown> | undefined;
  if (method === "PUT") {
    try {
      const payload = JSON.parse(env[ENV.payload]!) as Record<string, unknown>;
      const panel = (payload.panel ?? {}) as Record<string, unknown>;
      body = { ...payload, panel: { ...panel, apiPassword: env[ENV.password] } };
    } catch {
      log(`${ENV.payload} is not JSON`);
      return 2;
    }
  }
  const deadline = Number(env[ENV.timeout] ?? "");
  try {
    await sendRegistration(
      { method, url: env[ENV.url]!, token: env[ENV.token]!, hostname: env[ENV.hostname]!,
        ...(body ? { body } : {}), ...correlation(env, body) },
      { ...DEFAULT_RETRY, ...(deadline > 0 ? { deadlineMs: deadline * 1000 } : {}), ...retryOverrides(env) },
      { fetch, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), log, now: () => Date.now() },
    );
    return 0;
  } catch (err) {
    if (err instanceof RegistrationError) {
      log(err.message);
      return 1;
    }
    throw err;
  }
}

/** Tests shorten the backoff; operators may too (REGISTRATION_BASE_DELAY_MS). */
function retryOverrides(env: NodeJS.ProcessEnv): { baseDelayMs?: number; attempts?: number } {
  const base = Number(env.REGISTRATION_BASE_DELAY_MS ?? "");
  const attempts = Number(env.REGISTRATION_ATTEMPTS ?? "");
  return { ...(base > 0 ? { baseDelayMs: base } : {}), ...(attempts > 0 ? { attempts } : {}) };
}

/** The operation's correlation id (NODE_CORRELATION_ID, set by the Automation API for
 *  the whole update) wins over the node's own, so the platform can join its records to
 *  the operation that made the call; a DELETE carries it too. */
function correlation(env: NodeJS.ProcessEnv, body: Record<string, unknown> | undefined): { correlationId?: string } {
  const id = env.NODE_CORRELATION_ID || (body?.correlationId === undefined ? "" : String(body.correlationId));
  return id ? { correlationId: id } : {};
}
