import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { readEventStream } from "../shared/test-support";
import { startAnthropicEmulator } from "./index";
import { SONNET, ask, messages } from "./test-support";

const emu = await startAnthropicEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

type StreamEvent = { type: string; [key: string]: unknown };

async function eventsOf(res: Response): Promise<StreamEvent[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events = await readEventStream(res);
  return events.map((e) => {
    const data = JSON.parse(e.data) as StreamEvent;
    // Every SSE event name matches the type inside its data.
    expect(e.event).toBe(data.type);
    return data;
  });
}

const textOf = (events: StreamEvent[]) =>
  events
    .filter((e) => e.type === "content_block_delta")
    .map((e) => (e.delta as { text: string }).text)
    .join("");

describe("Anthropic streaming", () => {
  it("streams the documented event sequence and the text in text_delta pieces", async () => {
    emu.control.setReply(SONNET, "Golden hour, zero filter, all heart. Who else chases sunsets?");
    const events = await eventsOf(await messages(emu.url, ask("x", { stream: true })));
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(types.filter((t) => t === "content_block_delta").length).toBeGreaterThan(2);
    expect(events[0]).toMatchObject({
      message: { type: "message", role: "assistant", model: SONNET, content: [], stop_reason: null, usage: { input_tokens: expect.any(Number) } },
    });
    expect(events[1]).toMatchObject({ index: 0, content_block: { type: "text", text: "" } });
    expect(events.find((e) => e.type === "content_block_delta")).toMatchObject({ index: 0, delta: { type: "text_delta" } });
    expect(textOf(events)).toBe("Golden hour, zero filter, all heart. Who else chases sunsets?");
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 10 } });
  });

  it("streams the same text as the unstreamed reply and reports max_tokens in message_delta", async () => {
    const whole = (await (await messages(emu.url, ask("#yoga flow"))).json()) as { content: Array<{ text: string }> };
    expect(textOf(await eventsOf(await messages(emu.url, ask("#yoga flow", { stream: true }))))).toBe(whole.content[0]!.text);
    const cut = await eventsOf(await messages(emu.url, ask("#yoga flow", { stream: true, max_tokens: 2 })));
    expect(cut.at(-2)).toMatchObject({ delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 2 } });
  });

  it("sends an error event in the middle of the stream for stream_error_midway", async () => {
    emu.control.fault({ endpoint: SONNET, mode: "stream_error_midway" });
    const events = await eventsOf(await messages(emu.url, ask("x", { stream: true })));
    expect(events.map((e) => e.type)).toContain("content_block_delta");
    expect(events.at(-1)).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    expect(events.some((e) => e.type === "message_stop")).toBe(false);
  });

  it("answers errors before a stream starts as plain JSON", async () => {
    const res = await messages(emu.url, ask("x", { stream: true }), { apiKey: "nope" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});
