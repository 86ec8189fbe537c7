// The emulator driven by the client the app uses: the `openai` package's AzureOpenAI, SDK retries off.
import { AuthenticationError, AzureOpenAI, BadRequestError, RateLimitError } from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "./index";
import { API_KEY, BLUE, GREEN } from "./test-support";

const emu = await startAzureOpenAIEmulator();
afterAll(() => emu.close());

const client = (deployment = BLUE, apiKey = API_KEY) =>
  new AzureOpenAI({ endpoint: emu.url, apiKey, apiVersion: "2024-10-21", deployment, maxRetries: 0 });
const messages = [{ role: "user" as const, content: "A caption for #sunrise yoga" }];

describe("Azure OpenAI emulator with the openai SDK", () => {
  it("answers completions and streams, and its errors reach the SDK as the right classes", async () => {
    const completion = await client().chat.completions.create({ model: BLUE, messages, max_tokens: 200 });
    expect(completion.choices[0]!.message.content).toContain("sunrise");

    const stream = await client(GREEN).chat.completions.create({
      model: GREEN,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: { total_tokens: number } | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(completion.choices[0]!.message.content);
    expect(usage?.total_tokens).toBeGreaterThan(0);

    emu.control.fault({ endpoint: BLUE, mode: "rate_limited", retryAfterSeconds: 3 });
    const limited = await client().chat.completions.create({ model: BLUE, messages }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers.get("retry-after")).toBe("3");

    emu.control.fault({ endpoint: BLUE, mode: "content_filter_prompt" });
    const filtered = await client().chat.completions.create({ model: BLUE, messages }).catch((e: unknown) => e);
    expect(filtered).toBeInstanceOf(BadRequestError);
    expect((filtered as BadRequestError).code).toBe("content_filter");

    const denied = await client(BLUE, "wrong").chat.completions.create({ model: BLUE, messages }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthenticationError);

    emu.control.fault({ endpoint: BLUE, mode: "stream_error_midway" });
    const cut = await client().chat.completions.create({ model: BLUE, messages, stream: true });
    await expect(
      (async () => {
        for await (const chunk of cut) void chunk;
      })(),
    ).rejects.toThrow();
  });
});
