// The emulator driven by the client the app uses: @anthropic-ai/sdk (sends Authorization: Bearer and
// anthropic-version 2026-10-21), SDK retries off.
import Anthropic, { AuthenticationError, OverloadedError, RateLimitError } from "@anthropic-ai/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { startAnthropicEmulator } from "./index";
import { API_KEY, HAIKU } from "./test-support";

const emu = await startAnthropicEmulator();
afterAll(() => emu.close());

const client = (apiKey = API_KEY) => new Anthropic({ baseURL: emu.url, apiKey, maxRetries: 0 });
const request = { model: HAIKU, max_tokens: 200, messages: [{ role: "user" as const, content: "A caption for #sunrise yoga" }] };

describe("Anthropic emulator with @anthropic-ai/sdk", () => {
  it("answers messages and streams, and its errors reach the SDK as the right classes", async () => {
    const message = await client().messages.create(request);
    const text = message.content[0]?.type === "text" ? message.content[0].text : "";
    expect(text).toContain("sunrise");
    expect(emu.control.requests().at(-1)!.headers).toMatchObject({ "anthropic-version": "2026-10-21", authorization: `Bearer ${API_KEY}` });

    const stream = await client().messages.create({ ...request, stream: true });
    let streamed = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") streamed += event.delta.text;
    }
    expect(streamed).toBe(text);

    emu.control.fault({ endpoint: HAIKU, mode: "rate_limited", retryAfterSeconds: 4 });
    const limited = await client().messages.create(request).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers.get("retry-after")).toBe("4");

    emu.control.fault({ endpoint: HAIKU, mode: "overloaded" });
    const overloaded = await client().messages.create(request).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OverloadedError);
    expect((overloaded as OverloadedError).status).toBe(529);

    const denied = await client("wrong").messages.create(request).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthenticationError);

    emu.control.fault({ endpoint: HAIKU, mode: "stream_error_midway" });
    const broken = await client().messages.create({ ...request, stream: true });
    await expect(
      (async () => {
        for await (const event of broken) void event;
      })(),
    ).rejects.toThrow(/Overloaded|overloaded/);
  });
});
