import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectTruncatedJson, postControl, readEventStream } from "../shared/test-support";
import { startAzureOpenAIEmulator } from "./index";
import { API_KEY, BLUE, GREEN, chat, userSays } from "./test-support";

const emu = await startAzureOpenAIEmulator({ timeoutHoldMs: 5_000 });
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const statusOf = async (deployment = BLUE) => (await chat(emu.url, userSays("x"), { deployment })).status;

describe("Azure OpenAI faults", () => {
  it("rate_limited answers 429 code '429' with retry-after, retry-after-ms and zero remaining quota", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "rate_limited", retryAfterSeconds: 7 });
    const res = await chat(emu.url, userSays("x"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.headers.get("retry-after-ms")).toBe("7000");
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    expect(await res.json()).toEqual({
      error: {
        code: "429",
        message: expect.stringMatching(/^Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 .*Please retry after 7 seconds\./),
      },
    });
    expect(await statusOf()).toBe(200);
  });

  it("http_500 answers a server_error body and http_503 a ServiceUnavailable one", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "http_500" });
    const failed = await chat(emu.url, userSays("x"));
    expect(failed.status).toBe(500);
    const body = (await failed.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("server_error");
    expect(body.error.message).toContain(failed.headers.get("apim-request-id")!);
    emu.control.fault({ endpoint: BLUE, mode: "http_503" });
    const unavailable = await chat(emu.url, userSays("x"));
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ error: { code: "ServiceUnavailable" } });
  });

  it("content_filter_prompt answers 400 content_filter with the ResponsibleAIPolicyViolation inner error", async () => {
    emu.control.fault({ endpoint: "*", mode: "content_filter_prompt" });
    const res = await chat(emu.url, userSays("x", { stream: true }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining("content management policy"),
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: {
          code: "ResponsibleAIPolicyViolation",
          content_filter_result: expect.objectContaining({
            hate: { filtered: false, severity: "safe" },
            sexual: { filtered: true, severity: "high" },
          }),
        },
      },
    });
  });

  it("content_filter_output answers 200 with a partial reply and finish_reason content_filter, streamed or not", async () => {
    emu.control.setReply(BLUE, "one two three four five six seven eight");
    emu.control.fault({ endpoint: BLUE, mode: "content_filter_output", times: 2 });
    const res = await chat(emu.url, userSays("x"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: { content: string }; finish_reason: string; content_filter_results: unknown }> };
    expect(body.choices[0]).toMatchObject({
      message: { content: "one two three four" },
      finish_reason: "content_filter",
      content_filter_results: { sexual: { filtered: true, severity: "high" } },
    });
    const events = await readEventStream(await chat(emu.url, userSays("x", { stream: true })));
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: Array<{ finish_reason: string | null }> });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("content_filter");
    expect(events.at(-1)!.data).toBe("[DONE]");
  });

  it("stream_error_midway starts the stream, then cuts the connection before [DONE]", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "stream_error_midway", times: 2 });
    const res = await chat(emu.url, userSays("x", { stream: true }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("prompt_filter_results");
    let received = "";
    const drained = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return "ended";
        received += new TextDecoder().decode(value);
      }
    })();
    await expect(drained).rejects.toThrow();
    expect(received).not.toContain("[DONE]");
    // Unstreamed, the body stops short of its content-length.
    const plain = await chat(emu.url, userSays("x"));
    expect(plain.status).toBe(200);
    await expect(plain.text()).rejects.toThrow();
  });

  it("malformed_json answers 200 with a truncated JSON body", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "malformed_json" });
    await expectTruncatedJson(await chat(emu.url, userSays("x")));
  });

  it("timeout holds the request until the client gives up", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "timeout" });
    const started = Date.now();
    const call = fetch(`${emu.url}/openai/deployments/${BLUE}/chat/completions?api-version=2024-10-21`, {
      method: "POST",
      headers: { "api-key": API_KEY, "content-type": "application/json" },
      body: JSON.stringify(userSays("x")),
      signal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await statusOf()).toBe(200);
  });

  it("revoked_token answers 401 like a regenerated key", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "revoked_token" });
    const res = await chat(emu.url, userSays("x"));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "401" } });
  });

  it("arms faults per deployment so blue can fail while green answers", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "http_503", times: -1 });
    expect(await statusOf(BLUE)).toBe(503);
    expect(await statusOf(GREEN)).toBe(200);
    expect(await statusOf(BLUE)).toBe(503);
    emu.control.clearFaults();
    expect(await statusOf(BLUE)).toBe(200);
    expect(() => emu.control.fault({ endpoint: "gpt-4o", mode: "http_500" })).toThrow(/unknown fault endpoint/);
  });

  it("fires faults only on valid requests: validation errors answer first", async () => {
    emu.control.fault({ endpoint: BLUE, mode: "http_500" });
    expect((await chat(emu.url, { messages: [] })).status).toBe(400);
    expect(await statusOf()).toBe(500);
  });
});

describe("Azure OpenAI drills", () => {
  it("fails a deterministic share of requests with setErrorRate until the rate is set to 0", async () => {
    emu.control.setErrorRate(BLUE, 0.5);
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await statusOf(BLUE));
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);
    expect(await statusOf(GREEN)).toBe(200);
    emu.control.setErrorRate(BLUE, 1, "rate_limited");
    expect([await statusOf(BLUE), await statusOf(BLUE)]).toEqual([429, 429]);
    emu.control.setErrorRate(BLUE, 0);
    expect(await statusOf(BLUE)).toBe(200);
    expect(() => emu.control.setErrorRate(BLUE, 1.5)).toThrow(RangeError);
  });

  it("delays answers by the latency set for a deployment", async () => {
    emu.control.setLatency(GREEN, 250);
    let started = Date.now();
    expect(await statusOf(GREEN)).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    started = Date.now();
    expect(await statusOf(BLUE)).toBe(200);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it("rotates API keys: every listed key works, a dropped key is refused, reset restores the defaults", async () => {
    emu.control.setApiKeys([API_KEY, "azure-dev-key-2"]);
    expect((await chat(emu.url, userSays("x"), { apiKey: "azure-dev-key-2" })).status).toBe(200);
    expect((await chat(emu.url, userSays("x"))).status).toBe(200);
    emu.control.setApiKeys(["azure-dev-key-2"]);
    expect((await chat(emu.url, userSays("x"))).status).toBe(401);
    expect(emu.control.apiKeys()).toEqual(["azure-dev-key-2"]);
    emu.control.reset();
    expect((await chat(emu.url, userSays("x"))).status).toBe(200);
    expect(() => emu.control.setApiKeys([])).toThrow();
  });
});

describe("Azure OpenAI control over HTTP", () => {
  const post = (path: string, body: unknown) => postControl(emu.url, path, body);

  it("arms the LLM fault modes, rotates keys, sets replies, latency and error rates as JSON", async () => {
    expect((await post("fault", { endpoint: BLUE, mode: "content_filter_prompt" })).status).toBe(200);
    expect(await statusOf()).toBe(400);
    expect((await post("api-keys", { keys: ["curl-key"] })).status).toBe(200);
    expect((await chat(emu.url, userSays("x"), { apiKey: "curl-key" })).status).toBe(200);
    expect((await post("reply", { target: "*", text: "from curl" })).status).toBe(200);
    const res = await chat(emu.url, userSays("x"), { apiKey: "curl-key" });
    expect(await res.json()).toMatchObject({ choices: [{ message: { content: "from curl" } }] });
    expect((await post("error-rate", { target: GREEN, fraction: 1, mode: "http_500" })).status).toBe(200);
    expect((await chat(emu.url, userSays("x"), { apiKey: "curl-key", deployment: GREEN })).status).toBe(500);
    expect((await post("latency", { target: "*", ms: 0 })).status).toBe(200);
    expect(emu.control.drills().errorRates[GREEN]).toMatchObject({ fraction: 1, mode: "http_500" });
    expect((await post("reset", {})).status).toBe(200);
    expect(await statusOf()).toBe(200);
  });

  it("answers 400 for an unknown mode, target or an invalid body", async () => {
    expect((await post("fault", { endpoint: BLUE, mode: "explode" })).status).toBe(400);
    expect((await post("error-rate", { target: "gpt-4o", fraction: 0.5 })).status).toBe(400);
    expect((await post("latency", { target: BLUE, ms: -1 })).status).toBe(400);
    expect((await post("api-keys", { keys: [] })).status).toBe(400);
  });
});
