import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { readEventStream } from "../shared/test-support";
import { startAzureOpenAIEmulator } from "./index";
import { BLUE, chat, userSays } from "./test-support";

const emu = await startAzureOpenAIEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

type Chunk = {
  id: string;
  object: string;
  choices: Array<{ index: number; delta: { role?: string; content?: string }; finish_reason: string | null }>;
  prompt_filter_results?: unknown[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
};

async function streamChunks(res: Response): Promise<{ chunks: Chunk[]; last: string }> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events = await readEventStream(res);
  expect(events.every((e) => e.event === undefined)).toBe(true);
  const last = events.at(-1)!.data;
  return { chunks: events.slice(0, -1).map((e) => JSON.parse(e.data) as Chunk), last };
}

const textOf = (chunks: Chunk[]) => chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? "")).join("");

describe("Azure OpenAI streaming", () => {
  it("opens with a prompt-filter chunk without choices, streams deltas and ends with [DONE]", async () => {
    emu.control.setReply(BLUE, "Golden hour, zero filter, all heart. Who else chases sunsets?");
    const { chunks, last } = await streamChunks(await chat(emu.url, userSays("x", { stream: true })));
    expect(last).toBe("[DONE]");
    const [filterChunk, roleChunk, ...rest] = chunks;
    expect(filterChunk).toMatchObject({ id: "", object: "", choices: [], prompt_filter_results: [{ prompt_index: 0 }] });
    expect(roleChunk).toMatchObject({ object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: null }] });
    expect(new Set(rest.map((c) => c.id))).toEqual(new Set([roleChunk!.id]));
    expect(rest.length).toBeGreaterThan(2);
    expect(textOf(chunks)).toBe("Golden hour, zero filter, all heart. Who else chases sunsets?");
    expect(rest.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.some((c) => "usage" in c)).toBe(false);
  });

  it("adds a usage chunk with empty choices when stream_options.include_usage is set", async () => {
    const { chunks } = await streamChunks(await chat(emu.url, userSays("x", { stream: true, stream_options: { include_usage: true } })));
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(chunks.slice(1, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("streams the same text the non-streamed call answers, cut at max_tokens with finish_reason length", async () => {
    const whole = (await (await chat(emu.url, userSays("#yoga flow"))).json()) as { choices: Array<{ message: { content: string } }> };
    const { chunks } = await streamChunks(await chat(emu.url, userSays("#yoga flow", { stream: true })));
    expect(textOf(chunks)).toBe(whole.choices[0]!.message.content);
    const cut = await streamChunks(await chat(emu.url, userSays("#yoga flow", { stream: true, max_tokens: 4 })));
    expect(cut.chunks.at(-1)!.choices[0]!.finish_reason).toBe("length");
  });

  it("answers errors before a stream starts as plain JSON", async () => {
    const res = await chat(emu.url, userSays("x", { stream: true }), { apiKey: "nope" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});
