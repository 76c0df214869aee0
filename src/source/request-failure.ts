/** Why an HTTP request got no answer, in words that quote nothing of the request.
 *  fetch's own messages repeat the whole URL ("Failed to parse URL from …", "Request
 *  cannot be constructed from a URL that includes credentials: …"), and a URL can be a
 *  secret: a webhook path, a Slack hook, a Telegram bot token, user:password@. */
export function requestFailure(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === "TimeoutError" || e.name === "AbortError") return "no answer in time";
  if (e.message.startsWith("Request cannot be constructed from a URL that includes credentials")) {
    return "the URL carries credentials (user:password@), which are never sent; put them in the path or a header the receiver reads";
  }
  if (e.message.startsWith("Failed to parse URL")) return "the URL is not an absolute http(s) URL (scheme://host/…)";
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `network error (${code})` : "network error";
}

/** Only scheme, host and port of a URL: what may be shown of where a request goes. */
export function urlOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin === "null" ? "(URL without a host)" : parsed.origin;
  } catch {
    return "(unparsable URL)";
  }
}
