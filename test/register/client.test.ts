import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, RegistrationError, sendRegistration, type Effects } from "../../src/register/client";

type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error;

function effects(replies: Reply[]) {
  const calls: { url: string; method: string; headers: Record<string, string>; body?: string }[] = [];
  const sleeps: number[] = [];
  const log: string[] = [];
  let clock = 0;
  const fx: Effects = {
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, method: String(init.method), headers: init.headers as Record<string, string>, ...(init.body ? { body: String(init.body) } : {}) });
      const reply = replies.shift() ?? { status: 500 };
      if (reply instanceof Error) throw reply;
      return new Response(reply.body ?? "", { status: reply.status, headers: reply.headers ?? {} });
    }) as typeof fetch,
    sleep: async (ms) => { sleeps.push(ms); clock += ms; },
    log: (line) => log.push(line),
    now: () => clock,
  };
  return { fx, calls, sleeps, log };
}

const PUT = { method: "PUT" as const, url: "https://platform.test/api/nodes/", hostname: "prd-sha-het-de-fsn1-001", token: "tok-123456",
  body: { hostname: "prd-sha-het-de-fsn1-001", panel: { apiPassword: "pw-abcdef" } }, correlationId: "c-1" };

describe("sendRegistration", () => {
  it("PUTs the JSON body to URL/hostname with the bearer token and correlation id", async () => {
    const { fx, calls } = effects([{ status: 200 }]);
    await expect(sendRegistration(PUT, DEFAULT_RETRY, fx)).resolves.toBe(200);
    expect(calls).toEqual([{
      url: "https://platform.test/api/nodes/prd-sha-het-de-fsn1-001", method: "PUT",
      headers: expect.objectContaining({ authorization: "Bearer tok-123456", "content-type": "application/json", "x-correlation-id": "c-1" }),
      body: JSON.stringify(PUT.body),
    }]);
  });

  it("retries 503 and network errors with exponential backoff", async () => {
    const { fx, calls, sleeps } = effects([{ status: 503 }, new TypeError("fetch failed"), { status: 201 }]);
    await expect(sendRegistration(PUT, DEFAULT_RETRY, fx)).resolves.toBe(201);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it("honours Retry-After on 429", async () => {
    const { fx, sleeps } = effects([{ status: 429, headers: { "retry-after": "7" } }, { status: 200 }]);
    await sendRegistration(PUT, DEFAULT_RETRY, fx);
    expect(sleeps).toEqual([7000]);
  });

  it("fails at once on 400 with the server's message", async () => {
    const { fx, calls } = effects([{ status: 400, body: '{"error":"capacity must be positive"}' }]);
    await expect(sendRegistration(PUT, DEFAULT_RETRY, fx)).rejects.toThrow(
      new RegistrationError('registering prd-sha-het-de-fsn1-001 failed: HTTP 400: {"error":"capacity must be positive"}'));
    expect(calls).toHaveLength(1);
  });

  it("gives up after the last attempt", async () => {
    const { fx, calls } = effects(Array.from({ length: 6 }, () => ({ status: 502 })));
    await expect(sendRegistration(PUT, DEFAULT_RETRY, fx)).rejects.toThrow(/failed after 6 attempts: HTTP 502/);
    expect(calls).toHaveLength(6);
  });

  it("never repeats the token or the password the server echoes", async () => {
    const { fx, log } = effects([{ status: 422, body: "bad token tok-123456 for password pw-abcdef" }]);
    const error = await sendRegistration(PUT, DEFAULT_RETRY, fx).catch((e: Error) => e);
    expect(String(error)).toContain("bad token [redacted] for password [redacted]");
    expect(log.join("\n") + String(error)).not.toMatch(/tok-123456|pw-abcdef/);
  });

  it("treats DELETE of an unknown node as done", async () => {
    const { fx, calls } = effects([{ status: 404 }]);
    await expect(sendRegistration({ ...PUT, method: "DELETE", body: undefined }, DEFAULT_RETRY, fx)).resolves.toBe(404);
    expect(calls[0]).toEqual(expect.objectContaining({ method: "DELETE" }));
    expect(calls[0]!.body).toBeUndefined();
  });

  it("refuses a redirect instead of following it, and does not retry", async () => {
    const { fx, calls } = effects([{ status: 307, headers: { location: "https://elsewhere.example.net/collect" } }]);
    await expect(sendRegistration(PUT, DEFAULT_RETRY, fx)).rejects.toThrow(new RegistrationError(
      "registering prd-sha-het-de-fsn1-001 failed: HTTP 307 redirects to https://elsewhere.example.net; redirects are refused, " +
      "so the token and the panel password go only to registrationUrl: set it to the platform's final address"));
    expect(calls).toHaveLength(1);
  });

  it("sends nothing to a URL the stack setting would refuse", async () => {
    for (const url of ["http://platform.example.com/api/nodes", "https://user:pw@platform.example.com/api/nodes"]) {
      const { fx, calls, log } = effects([{ status: 200 }]);
      const error = await sendRegistration({ ...PUT, url }, DEFAULT_RETRY, fx).catch((e: Error) => e);
      expect(error).toBeInstanceOf(RegistrationError);
      expect(String(error)).toMatch(/registration URL must (use https|not contain credentials)/);
      expect(String(error) + log.join("\n")).not.toContain("pw@");
      expect(calls).toEqual([]);
    }
  });
});
