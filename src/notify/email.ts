import { readFileSync } from "node:fs";
import type { Transporter } from "nodemailer";
import type { HealthEvent } from "../events/health-event";
import type { Channel } from "./channel";

/** Variables of the email channel; the password comes from here only. */
export const EMAIL_ENV = {
  host: "FLEET_NOTIFY_SMTP_HOST",
  /** 587 for starttls, 465 for tls unless set. */
  port: "FLEET_NOTIFY_SMTP_PORT",
  /** `starttls` (default) or `tls` (implicit TLS from the first byte). */
  security: "FLEET_NOTIFY_SMTP_SECURITY",
  user: "FLEET_NOTIFY_SMTP_USER",
  password: "FLEET_NOTIFY_SMTP_PASSWORD",
  from: "FLEET_NOTIFY_SMTP_FROM",
  /** Recipients, separated by commas. */
  to: "FLEET_NOTIFY_SMTP_TO",
  /** A PEM file of certificate authorities to trust besides the system's (a private relay). */
  ca: "FLEET_NOTIFY_SMTP_CA",
} as const;

const TIMEOUT_MS = 10_000;

export interface EmailSettings {
  readonly host: string;
  readonly port: number;
  readonly security: "starttls" | "tls";
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly from: string;
  readonly to: readonly string[];
  readonly ca?: string;
}

/** The email settings the environment gives, a one-line problem when it gives them
 *  half, or undefined when no SMTP host is set. */
export function emailSettingsFromEnv(env: NodeJS.ProcessEnv): EmailSettings | { problem: string } | undefined {
  const host = env[EMAIL_ENV.host];
  if (!host) return undefined;
  const security = env[EMAIL_ENV.security] ?? "starttls";
  if (security !== "starttls" && security !== "tls") {
    return { problem: `${EMAIL_ENV.security}="${security}" is not a security mode; allowed: starttls, tls` };
  }
  const portText = env[EMAIL_ENV.port];
  const port = portText === undefined ? (security === "tls" ? 465 : 587) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: `${EMAIL_ENV.port}="${portText}" is not a port (1-65535)` };
  const from = env[EMAIL_ENV.from];
  const to = (env[EMAIL_ENV.to] ?? "").split(",").map((a) => a.trim()).filter((a) => a !== "");
  if (!from) return { problem: `${EMAIL_ENV.host} is set but ${EMAIL_ENV.from} is not; set the sender address` };
  if (to.length === 0) return { problem: `${EMAIL_ENV.host} is set but ${EMAIL_ENV.to} is not; set the recipients` };
  const user = env[EMAIL_ENV.user];
  const pass = env[EMAIL_ENV.password];
  if (user && !pass) return { problem: `${EMAIL_ENV.user} is set but ${EMAIL_ENV.password} is not` };
  const caFile = env[EMAIL_ENV.ca];
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, "utf8");
    } catch (err) {
      return { problem: `${EMAIL_ENV.ca}: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
  }
  return { host, port, security, from, to, ...(user && pass ? { auth: { user, pass } } : {}), ...(ca ? { ca } : {}) };
}

/** The subject line: what happened to which node, short enough for a phone's list. */
export function emailSubject(event: HealthEvent): string {
  return `[node-fleet] ${event.hostname}: ${event.type.replace(".", " ")}`;
}

/** An email channel through nodemailer. Mail never goes in clear: `starttls` requires
 *  the upgrade (nodemailer's requireTLS) and refuses a server that does not offer it,
 *  `tls` speaks TLS from the first byte; certificates are verified either way. */
export function emailChannel(settings: EmailSettings): Channel {
  let transport: Transporter | undefined;
  const open = async (): Promise<Transporter> => {
    // Loaded on the first message: most runs send none, and the CLI stays quick to start.
    const nodemailer = await import("nodemailer");
    transport ??= nodemailer.createTransport({
      host: settings.host, port: settings.port,
      secure: settings.security === "tls", requireTLS: settings.security === "starttls",
      ...(settings.auth ? { auth: settings.auth } : {}),
      ...(settings.ca ? { tls: { ca: settings.ca } } : {}),
      connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS,
    });
    return transport;
  };
  return {
    describe: `email via ${settings.host}:${settings.port}`,
    send: async (event, text) => {
      try {
        await (await open()).sendMail({ from: settings.from, to: [...settings.to], subject: emailSubject(event), text: `${text}\n` });
      } catch (err) {
        throw new Error((err as Error).message.split("\n")[0]);
      }
    },
  };
}

/** A channel that fails every message with the configuration problem, so a half-set
 *  email channel is reported each time instead of staying silent. */
export function misconfiguredEmail(problem: string): Channel {
  return { describe: "email", send: () => Promise.reject(new Error(problem)) };
}
