import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicEmulator } from "./index";
import { API_KEY, HAIKU, SONNET, ask, messageOf, messages } from "./test-support";

const emu = await startAnthropicEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("Anthropic Messages API", () => {
  it("answers a message with usage and a request-id header", async () => {
    const res = await messages(emu.url, ask("Write a caption about sunrise yoga"));
    expect(res.headers.get("request-id")).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
    expect(res.headers.get("anthropic-ratelimit-requests-remaining")).toBe("49");
    expect(res.headers.get("anthropic-ratelimit-requests-reset")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const body = await messageOf(res);
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: SONNET,
      content: [{ type: "text", text: expect.stringContaining("sunrise") }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
    expect(body.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
  });

  it("answers the same draft for the same prompt", async () => {
    const first = await messageOf(await messages(emu.url, ask("Ideas for #matcha mornings")));
    const second = await messageOf(await messages(emu.url, ask("Ideas for #matcha mornings")));
    expect(first.content[0]!.text).toBe(second.content[0]!.text);
    expect(first.content[0]!.text).toContain("matcha");
  });

  it("answers the text a test chose, per model or for all, and hands a reply function the request", async () => {
    emu.control.setReply("*", "catch-all");
    emu.control.setReply(HAIKU, (r) => `${r.model} saw "${r.lastUserMessage}" under "${r.system}"`);
    expect((await messageOf(await messages(emu.url, ask("one")))).content[0]!.text).toBe("catch-all");
    const haiku = await messageOf(await messages(emu.url, ask("two", { model: HAIKU })));
    expect(haiku.content[0]!.text).toBe(`${HAIKU} saw "two" under "You write short social captions for a creator."`);
    expect(() => emu.control.setReply("claude-2", "x")).toThrow(/unknown reply target/);
  });

  it("stops at max_tokens with stop_reason max_tokens, and at a stop sequence with stop_sequence", async () => {
    const cut = await messageOf(await messages(emu.url, ask("long", { max_tokens: 3 })));
    expect(cut).toMatchObject({ stop_reason: "max_tokens", usage: { output_tokens: 3 } });
    emu.control.setReply(SONNET, "first part ### second part");
    const stopped = await messageOf(await messages(emu.url, ask("x", { stop_sequences: ["###"] })));
    expect(stopped).toMatchObject({ content: [{ text: "first part " }], stop_reason: "stop_sequence", stop_sequence: "###" });
  });

  it("answers JSON that fits a structured-output schema (output_config.format or the beta output_format)", async () => {
    const schema = {
      type: "object",
      properties: { caption: { type: "string" }, hashtags: { type: "array", items: { type: "string" } } },
      required: ["caption", "hashtags"],
      additionalProperties: false,
    };
    for (const extra of [{ output_config: { format: { type: "json_schema", schema } } }, { output_format: { type: "json_schema", schema } }]) {
      const body = await messageOf(await messages(emu.url, ask("Caption a #pilates reel", extra)));
      expect(JSON.parse(body.content[0]!.text)).toEqual({ caption: expect.stringContaining("pilates"), hashtags: [expect.any(String)] });
    }
  });

  it("accepts the key as Authorization: Bearer, and system as text blocks", async () => {
    const res = await messages(emu.url, ask("x", { system: [{ type: "text", text: "Be brief." }] }), {
      apiKey: null,
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.status).toBe(200);
  });

  it("accepts sampling parameters under 2023-06-01 and content as blocks", async () => {
    const res = await messages(emu.url, ask("x", {
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      messages: [
        { role: "user", content: [{ type: "text", text: "Caption this" }] },
        { role: "assistant", content: "Sure:" },
        { role: "user", content: "shorter please" },
      ],
    }));
    expect(res.status).toBe(200);
  });

  it("merges consecutive same-role turns as documented, and refuses them when strict alternation is on", async () => {
    const twoUsers = ask("x", { messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }] });
    expect((await messages(emu.url, twoUsers)).status).toBe(200);
    const strict = await startAnthropicEmulator({ strictRoleAlternation: true });
    try {
      const res = await messages(strict.url, twoUsers);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { type: "invalid_request_error", message: 'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row' },
      });
    } finally {
      await strict.close();
    }
  });

  it("records each call in the request log", async () => {
    await messages(emu.url, ask("logged"));
    const [entry] = emu.control.requests();
    expect(entry).toMatchObject({ method: "POST", path: "/v1/messages", headers: { "anthropic-version": "2023-06-01" } });
    expect(entry!.body).toMatchObject({ messages: [{ role: "user", content: "logged" }] });
  });
});
