import { homedir } from "node:os";
import { join } from "node:path";
import { jsonLinesSink, webhookSink, type AuditSink } from "./sinks";

/** Variables that configure where audit records go. */
export const AUDIT_ENV = {
  file: "NODE_FLEET_AUDIT_FILE",
  webhook: "NODE_FLEET_AUDIT_WEBHOOK",
  secret: "NODE_FLEET_AUDIT_WEBHOOK_SECRET",
} as const;

/** The JSON-lines file when none is configured: the user's state directory (XDG). */
export function defaultAuditFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "node-fleet", "audit.jsonl");
}

/** The file sink (NODE_FLEET_AUDIT_FILE, `file` or the default; "off" turns it off) and,
 *  when NODE_FLEET_AUDIT_WEBHOOK is set, the webhook signed with
 *  NODE_FLEET_AUDIT_WEBHOOK_SECRET. The secret only ever comes from the environment. */
export function auditSinksFromEnv(env: NodeJS.ProcessEnv, file?: string): AuditSink[] {
  const sinks: AuditSink[] = [];
  const path = file ?? env[AUDIT_ENV.file] ?? defaultAuditFile(env);
  if (path !== "off") sinks.push(jsonLinesSink(path));
  const url = env[AUDIT_ENV.webhook];
  if (url) sinks.push(webhookSink({ url, ...(env[AUDIT_ENV.secret] ? { secret: env[AUDIT_ENV.secret] } : {}) }));
  return sinks;
}
