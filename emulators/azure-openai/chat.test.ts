import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "./index";
import { API_KEY, BLUE, GREEN, chat, completionOf, userSays } from "./test-support";

const emu = await startAzureOpenAIEmulator({
  deployments: { [BLUE]: { model: "gpt-4o-mini" }, [GREEN]: { model: "gpt-4o-mini" }, "o4-mini": { model: "o4-mini" } },
  reasoningDeployments: ["o4-mini"],
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("Azure OpenAI chat completions", () => {
  it("answers a chat.completion with usage, filter results and the request-id headers", async () => {
    const res = await chat(emu.url, userSays("Write a caption about sunrise yoga"));
    expect(res.headers.get("apim-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(res.headers.get("apim-request-id"));
    const body = await completionOf(res);
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop" }],
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" } } }],
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.system_fingerprint).toMatch(/^fp_/);
    expect(Math.abs(body.created - Math.floor(emu.control.now().getTime() / 1000))).toBeLessThanOrEqual(1);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("stamps created from the virtual clock", async () => {
    emu.control.advanceClock(86_400);
    const body = await completionOf(await chat(emu.url, userSays("x")));
    expect(body.created).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 86_399);
  });

  it("drafts deterministic text that echoes the keyword of the last user message", async () => {
    const first = await completionOf(await chat(emu.url, userSays("Draft a post about #matcha mornings")));
    const second = await completionOf(await chat(emu.url, userSays("Draft a post about #matcha mornings")));
    expect(first.choices[0]!.message.content).toContain("matcha");
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
  });

  it("answers with the text a test chose, per deployment or for all, and hands a reply function the request", async () => {
    emu.control.setReply("*", "catch-all");
    emu.control.setReply(GREEN, (request) => `green saw: ${request.lastUserMessage} (${request.deployment})`);
    expect((await completionOf(await chat(emu.url, userSays("one")))).choices[0]!.message.content).toBe("catch-all");
    const green = await completionOf(await chat(emu.url, userSays("two"), { deployment: GREEN }));
    expect(green.choices[0]!.message.content).toBe(`green saw: two (${GREEN})`);
    emu.control.clearReplies();
    expect((await completionOf(await chat(emu.url, userSays("three")))).choices[0]!.message.content).not.toBe("catch-all");
    expect(() => emu.control.setReply("gpt-5", "x")).toThrow(/unknown reply target/);
  });

  it("answers JSON that fills the required properties of a json_schema response format", async () => {
    const schema = {
      type: "object",
      properties: {
        caption: { type: "string" },
        hashtags: { type: "array", items: { type: "string" } },
        tone: { type: "string", enum: ["playful", "calm"] },
        score: { type: "integer", minimum: 3 },
        optional: { type: "string" },
      },
      required: ["caption", "hashtags", "tone", "score"],
      additionalProperties: false,
    };
    const res = await chat(emu.url, userSays("Caption for a #pilates reel", {
      response_format: { type: "json_schema", json_schema: { name: "caption", strict: true, schema } },
    }));
    const doc = JSON.parse((await completionOf(res)).choices[0]!.message.content!) as Record<string, unknown>;
    expect(doc).toEqual({ caption: expect.stringContaining("pilates"), hashtags: [expect.any(String)], tone: "playful", score: 3 });
  });

  it("answers a JSON object for json_object, which needs the word json in the messages", async () => {
    const refused = await chat(emu.url, userSays("caption please", { response_format: { type: "json_object" } }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { message: expect.stringContaining("must contain the word 'json'"), param: "messages" } });
    const res = await chat(emu.url, userSays("caption as JSON please", { response_format: { type: "json_object" } }));
    expect(JSON.parse((await completionOf(res)).choices[0]!.message.content!)).toMatchObject({ draft: expect.any(String) });
  });

  it("cuts the reply at max_tokens with finish_reason length, and at a stop sequence with stop", async () => {
    const cut = await completionOf(await chat(emu.url, userSays("long one", { max_tokens: 3 })));
    expect(cut.choices[0]!.finish_reason).toBe("length");
    expect(cut.usage.completion_tokens).toBe(3);
    emu.control.setReply(BLUE, "first part END second part");
    const stopped = await completionOf(await chat(emu.url, userSays("x", { stop: ["END"] })));
    expect(stopped.choices[0]).toMatchObject({ message: { content: "first part " }, finish_reason: "stop" });
  });

  it("returns n choices", async () => {
    const body = await completionOf(await chat(emu.url, userSays("x", { n: 2 })));
    expect(body.choices.map((c) => c.index)).toEqual([0, 1]);
  });

  it("accepts the key as Authorization: Bearer or Ocp-Apim-Subscription-Key as well as api-key", async () => {
    const res = await chat(emu.url, userSays("x"), { apiKey: null, headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const apim = await chat(emu.url, userSays("x"), { apiKey: null, headers: { "ocp-apim-subscription-key": API_KEY } });
    expect(apim.status).toBe(200);
  });

  it("echoes x-ms-client-request-id so a client can match its logs", async () => {
    const res = await chat(emu.url, userSays("x"), { headers: { "x-ms-client-request-id": "req-123" } });
    expect(res.headers.get("x-ms-client-request-id")).toBe("req-123");
  });

  it("refuses max_tokens and a non-default temperature on a reasoning deployment", async () => {
    const res = await chat(emu.url, userSays("x", { max_tokens: 50 }), { deployment: "o4-mini" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        type: "invalid_request_error",
        param: "max_tokens",
        code: "unsupported_parameter",
      },
    });
    const hot = await chat(emu.url, userSays("x", { temperature: 0.2 }), { deployment: "o4-mini" });
    expect(await hot.json()).toMatchObject({ error: { param: "temperature", code: "unsupported_value" } });
    const ok = await completionOf(await chat(emu.url, userSays("x", { max_completion_tokens: 500 }), { deployment: "o4-mini" }));
    expect(ok.model).toBe("o4-mini");
    // max_tokens is still fine on a chat deployment.
    expect((await chat(emu.url, userSays("x", { max_tokens: 50 }))).status).toBe(200);
  });

  it("records each call, body included, in the request log", async () => {
    await chat(emu.url, userSays("logged"));
    const [entry] = emu.control.requests();
    expect(entry).toMatchObject({ method: "POST", path: `/openai/deployments/${BLUE}/chat/completions`, query: { "api-version": "2024-10-21" } });
    expect(entry!.body).toMatchObject({ messages: [{ role: "system" }, { role: "user", content: "logged" }] });
  });
});
