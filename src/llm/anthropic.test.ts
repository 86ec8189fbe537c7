// Claude as a router target, against the Anthropic emulator over real HTTP with the real SDK.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicEmulator } from "@/emulators/anthropic";
import { createAnthropicProvider } from "./anthropic";
import { isLlmError } from "./errors";
import type { LlmProvider } from "./types";

let emulator: Awaited<ReturnType<typeof startAnthropicEmulator>>;
let claude: LlmProvider;
const request = { messages: [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Say hi" }], maxTokens: 50, temperature: 0.7 };

beforeAll(async () => {
  emulator = await startAnthropicEmulator();
  claude = createAnthropicProvider({ baseUrl: emulator.url, apiKey: "anthropic-dev-key", model: "claude-haiku-4-5", timeoutMs: 1_500 });
});
afterAll(() => emulator?.close());
beforeEach(() => emulator.control.reset());

describe("Claude provider", () => {
  it("completes through the Messages API, with system prompt, usage and no temperature under the SDK's 2026-10-21", async () => {
    emulator.control.setReply("*", "Hi there!");
    const result = await claude.complete(request, { requestId: "req-a1" });
    expect(result).toMatchObject({ text: "Hi there!", provider: "anthropic", deployment: "claude-haiku-4-5", finishReason: "stop" });
    expect(result.usage.totalTokens).toBe(result.usage.promptTokens + result.usage.completionTokens);
    const call = emulator.control.requests().at(-1)!;
    expect(call.path).toBe("/v1/messages");
    expect(call.body).toMatchObject({ model: "claude-haiku-4-5", max_tokens: 50, system: "Be brief.", messages: [{ role: "user", content: "Say hi" }] });
    expect(call.body).not.toHaveProperty("temperature");
  });

  it("streams text deltas and ends with usage", async () => {
    emulator.control.setReply("*", "one two three four");
    const deltas: string[] = [];
    let done;
    for await (const event of claude.stream(request, { requestId: "req-a2" })) {
      if (event.type === "delta") deltas.push(event.text);
      else done = event.result;
    }
    expect(deltas.join("")).toBe("one two three four");
    expect(deltas.length).toBeGreaterThan(1);
    expect(done).toMatchObject({ text: "one two three four", finishReason: "stop" });
  });

  it("maps Anthropic's error classes to the router's failures", async () => {
    const cases = [
      ["rate_limited", "rate_limited"],
      ["overloaded", "unavailable"],
      ["http_500", "unavailable"],
      ["timeout", "unavailable"],
      ["permission_denied", "auth_rejected"],
    ] as const;
    for (const [mode, failure] of cases) {
      emulator.control.fault({ endpoint: "*", mode });
      const error = await claude.complete(request, { requestId: "req-a3" }).catch((e: unknown) => e);
      expect(isLlmError(error) && error.failure, mode).toBe(failure);
    }
    emulator.control.setApiKeys(["rotated-key"]);
    const refused = await claude.complete(request, { requestId: "req-a4" }).catch((e: unknown) => e);
    expect(isLlmError(refused) && refused.failure).toBe("auth_rejected");
  });

  it("surfaces a mid-stream error event as a failure after the first tokens", async () => {
    emulator.control.fault({ endpoint: "*", mode: "stream_error_midway" });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of claude.stream(request, { requestId: "req-a5" })) if (event.type === "delta") deltas.push(event.text);
    })().catch((e: unknown) => e);
    expect(isLlmError(error) && error.failure).toBe("unavailable");
  });
});
