import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectTruncatedJson, postControl } from "../shared/test-support";
import { startAnthropicEmulator } from "./index";
import { API_KEY, HAIKU, SONNET, ask, errorOf, messages } from "./test-support";

const emu = await startAnthropicEmulator({ timeoutHoldMs: 5_000 });
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const statusOf = async (model = SONNET) => (await messages(emu.url, ask("x", { model }))).status;

describe("Anthropic faults", () => {
  it("rate_limited answers 429 rate_limit_error with retry-after and exhausted anthropic-ratelimit headers", async () => {
    emu.control.fault({ endpoint: SONNET, mode: "rate_limited", retryAfterSeconds: 12 });
    const res = await messages(emu.url, ask("x"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("12");
    expect(res.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(res.headers.get("anthropic-ratelimit-tokens-remaining")).toBe("0");
    expect(res.headers.get("anthropic-ratelimit-requests-reset")).toBeTruthy();
    expect((await errorOf(res)).error.type).toBe("rate_limit_error");
    expect(await statusOf()).toBe(200);
  });

  it("maps each fault to its status and error type, with no 503", async () => {
    const expected: Array<[Parameters<typeof emu.control.fault>[0]["mode"], number, string]> = [
      ["http_500", 500, "api_error"],
      ["http_503", 529, "overloaded_error"],
      ["overloaded", 529, "overloaded_error"],
      ["revoked_token", 401, "authentication_error"],
      ["permission_denied", 403, "permission_error"],
      ["request_too_large", 413, "request_too_large"],
    ];
    for (const [mode, status, type] of expected) {
      emu.control.fault({ endpoint: SONNET, mode });
      const res = await messages(emu.url, ask("x"));
      expect(res.status, mode).toBe(status);
      expect((await errorOf(res)).error.type, mode).toBe(type);
    }
  });

  it("honours a fault's status override", async () => {
    emu.control.fault({ endpoint: SONNET, mode: "http_500", status: 502 });
    expect(await statusOf()).toBe(502);
  });

  it("malformed_json answers 200 with a truncated JSON body", async () => {
    emu.control.fault({ endpoint: SONNET, mode: "malformed_json" });
    await expectTruncatedJson(await messages(emu.url, ask("x")));
  });

  it("stream_error_midway on an unstreamed call cuts the body short", async () => {
    emu.control.fault({ endpoint: SONNET, mode: "stream_error_midway" });
    const res = await messages(emu.url, ask("x"));
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("timeout holds the request until the client gives up", async () => {
    emu.control.fault({ endpoint: "*", mode: "timeout" });
    const call = fetch(`${emu.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": API_KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify(ask("x")),
      signal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow();
    expect(await statusOf()).toBe(200);
  });

  it("arms faults per model so one model can fail while another answers", async () => {
    emu.control.fault({ endpoint: SONNET, mode: "overloaded", times: -1 });
    expect(await statusOf(SONNET)).toBe(529);
    expect(await statusOf(HAIKU)).toBe(200);
    emu.control.clearFaults();
    expect(await statusOf(SONNET)).toBe(200);
    expect(() => emu.control.fault({ endpoint: "claude-2", mode: "overloaded" })).toThrow(/unknown fault endpoint/);
  });
});

describe("Anthropic drills", () => {
  it("fails every 4th request with an error rate of 0.25 (overloaded by default)", async () => {
    emu.control.setErrorRate(SONNET, 0.25);
    const statuses = [];
    for (let i = 0; i < 8; i += 1) statuses.push(await statusOf());
    expect(statuses).toEqual([200, 200, 200, 529, 200, 200, 200, 529]);
  });

  it("delays answers by the latency set for a model", async () => {
    emu.control.setLatency("*", 200);
    const started = Date.now();
    expect(await statusOf()).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("rotates API keys and restores the defaults on reset", async () => {
    emu.control.setApiKeys(["anthropic-rotated"]);
    expect(await statusOf()).toBe(401);
    expect((await messages(emu.url, ask("x"), { apiKey: "anthropic-rotated" })).status).toBe(200);
    emu.control.reset();
    expect(await statusOf()).toBe(200);
  });
});

describe("Anthropic control over HTTP", () => {
  const post = (path: string, body: unknown) => postControl(emu.url, path, body);

  it("arms Anthropic's own fault modes and sets replies, keys and error rates as JSON", async () => {
    expect((await post("fault", { endpoint: HAIKU, mode: "overloaded", times: 1 })).status).toBe(200);
    expect(await statusOf(HAIKU)).toBe(529);
    expect((await post("reply", { target: SONNET, text: "from curl" })).status).toBe(200);
    expect(await (await messages(emu.url, ask("x"))).json()).toMatchObject({ content: [{ text: "from curl" }] });
    expect((await post("error-rate", { target: "*", fraction: 1, mode: "rate_limited" })).status).toBe(200);
    expect(await statusOf()).toBe(429);
    expect((await post("api-keys", { keys: ["k2"] })).status).toBe(200);
    expect(await statusOf()).toBe(401);
    expect((await post("reset", {})).status).toBe(200);
    expect(await statusOf()).toBe(200);
    expect((await post("fault", { endpoint: SONNET, mode: "content_filter_prompt" })).status).toBe(400);
  });
});
