import { requestFailure, urlOrigin } from "../source/request-failure";
import type { Channel } from "./channel";
import { emailChannel, emailSettingsFromEnv, misconfiguredEmail } from "./email";

export type { Channel } from "./channel";

const TIMEOUT_MS = 10_000;

/** Secrets come from the environment only (never the fleet file or a flag, which
 *  end up in shell history and process lists). */
export const NOTIFY_ENV = {
  webhookUrl: "FLEET_NOTIFY_WEBHOOK_URL",
  slackWebhookUrl: "FLEET_NOTIFY_SLACK_WEBHOOK_URL",
  telegramToken: "FLEET_NOTIFY_TELEGRAM_TOKEN",
  telegramChatId: "FLEET_NOTIFY_TELEGRAM_CHAT_ID",
  /** Bot API base, `https://api.telegram.org` unless set (tests, proxies). */
  telegramApi: "FLEET_NOTIFY_TELEGRAM_API",
} as const;

/** The channels the environment configures (the email channel's variables: EMAIL_ENV). */
export function channelsFromEnv(env: NodeJS.ProcessEnv): Channel[] {
  const channels: Channel[] = [];
  const webhook = env[NOTIFY_ENV.webhookUrl];
  const slack = env[NOTIFY_ENV.slackWebhookUrl];
  const token = env[NOTIFY_ENV.telegramToken];
  const chat = env[NOTIFY_ENV.telegramChatId];
  if (webhook) channels.push(jsonWebhook(webhook));
  if (slack) channels.push(slackWebhook(slack));
  if (token && chat) channels.push(telegram(env[NOTIFY_ENV.telegramApi] ?? "https://api.telegram.org", token, chat));
  const email = emailSettingsFromEnv(env);
  if (email) channels.push("problem" in email ? misconfiguredEmail(email.problem) : emailChannel(email));
  return channels;
}

/** Generic webhook: the event as JSON, with the rendered text. */
export function jsonWebhook(url: string): Channel {
  return { describe: `webhook ${urlOrigin(url)}`, send: async (event, text) => { await post(url, { ...event, time: new Date(event.at).toISOString(), text }, urlOrigin(url)); } };
}

/** Slack incoming webhook: `{text}` (api.slack.com/messaging/webhooks). */
export function slackWebhook(url: string): Channel {
  return { describe: `slack ${urlOrigin(url)}`, send: async (_event, text) => { await post(url, { text: slackEscaped(text) }, urlOrigin(url)); } };
}

/** Text Slack shows as written: `&`, `<` and `>` are its markup ("Escaping text" in
 *  api.slack.com/reference/surfaces/formatting), so a node's answer quoted in an alert
 *  cannot ping `<!channel>` or hide a link behind other words. */
export function slackEscaped(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Telegram Bot API `sendMessage` (core.telegram.org/bots/api#sendmessage); the
 *  answer is `{ok: true, result}` or `{ok: false, description}`. */
export function telegram(api: string, token: string, chatId: string): Channel {
  const url = `${api.replace(/\/$/, "")}/bot${token}/sendMessage`;
  return {
    describe: `telegram chat ${chatId}`,
    send: async (_event, text) => {
      const answer = await post(url, { chat_id: chatId, text, disable_web_page_preview: true }, "telegram");
      const parsed = JSON.parse(answer || "{}") as { ok?: boolean; description?: string };
      if (parsed.ok !== true) throw new Error(`telegram refused the message: ${parsed.description ?? "no reason given"}`);
    },
  };
}

async function post(url: string, body: unknown, shown: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new Error(`${shown}: ${requestFailure(err)}`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${shown}: HTTP ${res.status}`);
  return text;
}
