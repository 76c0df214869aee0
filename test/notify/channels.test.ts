import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HealthEvent } from "../../src/events/health-event";
import { channelsFromEnv, jsonWebhook, slackWebhook, telegram } from "../../src/notify/channels";
import { DEFAULT_RATE_LIMITS } from "../../src/notify/limiter";
import { deliver } from "../../src/notify/notifier";

// One local server on 127.12.5.1 answering as a generic webhook, Slack's incoming
// webhook (200 "ok") and Telegram's Bot API sendMessage ({ok, result} or {ok:false, description}).
let server: Server;
let base: string;
let received: { url: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => { text += c; });
    req.on("end", () => {
      received.push({ url: req.url!, body: JSON.parse(text) as Record<string, unknown> });
      if (req.url === "/hooks/broken") { res.writeHead(500); return res.end("boom"); }
      if (req.url!.startsWith("/botgood-token/sendMessage")) {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ ok: true, result: { message_id: 1 } }));
      }
      if (req.url!.startsWith("/bot")) {
        res.writeHead(401, { "content-type": "application/json" });
        return res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
      }
      res.writeHead(200);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.12.5.1", r));
  base = `http://127.12.5.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { received = []; });

const at = Date.parse("2026-11-22T06:00:00Z");
const detected: HealthEvent = { type: "incident.detected", at, hostname: "prd-sha-het-de-fsn1-001", message: "down: tcp:22: refused",
  incidentId: "prd-sha-het-de-fsn1-001@2026-11-22T06:00:00.000Z", correlationId: "c0ffee00-0000-5000-8000-000000000000", kind: "down" };
const TEXT = "⚠️ prd-sha-het-de-fsn1-001: incident detected [prd-sha-het-de-fsn1-001@2026-11-22T06:00:00.000Z]: down: tcp:22: refused";

describe("channels", () => {
  it("posts the event as JSON with its text to a generic webhook", async () => {
    await deliver([detected], [jsonWebhook(`${base}/hooks/generic`)], {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([{ url: "/hooks/generic", body: { ...detected, time: "2026-11-22T06:00:00.000Z", text: TEXT } }]);
  });

  it("posts {text} to a Slack incoming webhook", async () => {
    await deliver([detected], [slackWebhook(`${base}/services/T000/B000/XXXX`)], {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([{ url: "/services/T000/B000/XXXX", body: { text: TEXT } }]);
  });

  it("escapes Slack's markup in what it posts, so a node's words cannot ping the channel or hide a link", async () => {
    const hostile: HealthEvent = { ...detected, message: "down: banner <!channel> <https://evil.example|click> & \x1b[2J" };
    await deliver([hostile], [slackWebhook(`${base}/services/T000/B000/XXXX`)], {}, at, DEFAULT_RATE_LIMITS);
    expect(received[0]!.body.text).toBe("⚠️ prd-sha-het-de-fsn1-001: incident detected [prd-sha-het-de-fsn1-001@2026-11-22T06:00:00.000Z]: " +
      "down: banner &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; \\x1b[2J");
  });

  it("sends a Telegram message to the chat through the bot's sendMessage", async () => {
    const result = await deliver([detected], [telegram(base, "good-token", "-100123")], {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([{ url: "/botgood-token/sendMessage", body: { chat_id: "-100123", text: TEXT, disable_web_page_preview: true } }]);
    expect(result.errors).toEqual([]);
  });

  it("reports a refused Telegram message with the API's reason and without the token", async () => {
    const result = await deliver([detected], [telegram(base, "bad-token", "-100123")], {}, at, DEFAULT_RATE_LIMITS);
    expect(result.errors).toEqual(["telegram chat -100123: telegram: HTTP 401"]);
    expect(result.errors.join()).not.toContain("bad-token");
  });

  it("keeps sending to the other channels when one fails, and hides webhook paths", async () => {
    const result = await deliver([detected], [jsonWebhook(`${base}/hooks/broken`), slackWebhook(`${base}/services/ok`)], {}, at, DEFAULT_RATE_LIMITS);
    expect(result.errors).toEqual([`webhook ${base}: ${base}: HTTP 500`]);
    expect(received.map((r) => r.url)).toEqual(expect.arrayContaining(["/hooks/broken", "/services/ok"]));
  });

  it.each([
    ["a webhook URL without a scheme", () => jsonWebhook("hooks.example.com/hooks/S3CRET"), "webhook (unparsable URL): (unparsable URL): the URL is not an absolute http(s) URL (scheme://host/…)"],
    ["a Slack URL with credentials", () => slackWebhook("http://ops:S3CRET@127.12.5.1:47/services/T/B/S3CRET"),
      "slack http://127.12.5.1:47: http://127.12.5.1:47: the URL carries credentials (user:password@), which are never sent; put them in the path or a header the receiver reads"],
    ["a Telegram API that refuses connections", () => telegram("http://127.12.5.1:47", "123:S3CRET", "-100"), "telegram chat -100: telegram: network error (ECONNREFUSED)"],
    ["a Telegram API without a scheme", () => telegram("api.telegram.org", "123:S3CRET", "-100"),
      "telegram chat -100: telegram: the URL is not an absolute http(s) URL (scheme://host/…)"],
  ])("reports a failure for %s with its reason and nothing secret", async (_case, channel, error) => {
    const result = await deliver([detected], [channel()], {}, at, DEFAULT_RATE_LIMITS);
    expect(result.errors).toEqual([error]);
  });

  it("builds channels from the environment only when their secrets are set", () => {
    expect(channelsFromEnv({}).map((c) => c.describe)).toEqual([]);
    expect(channelsFromEnv({
      FLEET_NOTIFY_WEBHOOK_URL: "https://hooks.example.com/secret-path", FLEET_NOTIFY_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/S",
      FLEET_NOTIFY_TELEGRAM_TOKEN: "123:abc", FLEET_NOTIFY_TELEGRAM_CHAT_ID: "-100",
    }).map((c) => c.describe)).toEqual(["webhook https://hooks.example.com", "slack https://hooks.slack.com", "telegram chat -100"]);
    expect(channelsFromEnv({ FLEET_NOTIFY_TELEGRAM_TOKEN: "123:abc" })).toEqual([]);
  });

  it("does not tell people about single recovery steps (those are in the audit log)", async () => {
    await deliver([{ ...detected, type: "recovery.step", step: "reprovision", ok: true }], [slackWebhook(`${base}/s`)], {}, at, DEFAULT_RATE_LIMITS);
    expect(received).toEqual([]);
  });
});
