import { afterAll, describe, expect, it } from "vitest";
import { startAnthropicEmulator } from "./index";
import { SONNET, ask, errorOf, messages } from "./test-support";

const emu = await startAnthropicEmulator({ maxRequestBytes: 4_096 });
afterAll(() => emu.close());

async function expectError(res: Response, status: number, type: string, message?: string | RegExp) {
  expect(res.status).toBe(status);
  const body = await errorOf(res);
  expect(body.error.type).toBe(type);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
}

describe("Anthropic request errors", () => {
  it("answers 401 authentication_error for a missing or wrong key", async () => {
    await expectError(await messages(emu.url, ask("x"), { apiKey: null }), 401, "authentication_error", "x-api-key header is required");
    await expectError(await messages(emu.url, ask("x"), { apiKey: "sk-ant-wrong" }), 401, "authentication_error", "invalid x-api-key");
  });

  it("uses x-api-key when both it and a bearer token are sent", async () => {
    const res = await messages(emu.url, ask("x"), { apiKey: "sk-ant-wrong", headers: { authorization: "Bearer anthropic-dev-key" } });
    expect(res.status).toBe(401);
  });

  it("requires a known anthropic-version header", async () => {
    await expectError(await messages(emu.url, ask("x"), { version: null }), 400, "invalid_request_error", "anthropic-version: header is required");
    await expectError(await messages(emu.url, ask("x"), { version: "2023-10-01" }), 400, "invalid_request_error", 'anthropic-version: "2023-10-01" is not a valid version');
  });

  it("refuses temperature, top_p and top_k under 2026-10-21, even at their defaults", async () => {
    for (const [field, value] of [["temperature", 1], ["top_p", 0.9], ["top_k", 5]] as const) {
      const res = await messages(emu.url, ask("x", { [field]: value }), { version: "2026-10-21" });
      await expectError(res, 400, "invalid_request_error", `${field}: Extra inputs are not permitted`);
    }
    expect((await messages(emu.url, ask("x"), { version: "2026-10-21" })).status).toBe(200);
  });

  it("refuses document blocks in assistant turns and citations on user text under 2026-10-21", async () => {
    const doc = ask("x", {
      messages: [
        { role: "user", content: "read this" },
        { role: "assistant", content: [{ type: "document", source: { type: "text", media_type: "text/plain", data: "d" } }] },
        { role: "user", content: "ok" },
      ],
    });
    await expectError(await messages(emu.url, doc, { version: "2026-10-21" }), 400, "invalid_request_error", /document blocks/);
    expect((await messages(emu.url, doc)).status).toBe(200);
    const cited = ask("x", { messages: [{ role: "user", content: [{ type: "text", text: "t", citations: [{ type: "char_location" }] }] }] });
    await expectError(await messages(emu.url, cited, { version: "2026-10-21" }), 400, "invalid_request_error", /citations/);
  });

  it("validates the body: required fields, extra inputs, roles and content", async () => {
    const withoutMax: Record<string, unknown> = ask("x");
    delete withoutMax.max_tokens;
    const cases: Array<[unknown, string | RegExp]> = [
      [withoutMax, "max_tokens: Field required"],
      [ask("x", { max_tokens: 0 }), "max_tokens: Input should be greater than or equal to 1"],
      [ask("x", { max_tokens: 1_000_000 }), /^max_tokens: 1000000 > 64000/],
      [{ max_tokens: 10, messages: [{ role: "user", content: "x" }] }, "model: Field required"],
      [ask("x", { temprature: 0.5 }), "temprature: Extra inputs are not permitted"],
      [ask("x", { messages: [] }), "messages: at least one message is required"],
      [ask("x", { messages: [{ role: "system", content: "x" }] }), "messages.0.role: Input should be 'user' or 'assistant'"],
      [ask("x", { messages: [{ role: "user" }] }), "messages.0.content: Field required"],
      [ask("x", { messages: [{ role: "user", content: "" }] }), "messages: text content blocks must be non-empty"],
      [ask("x", { messages: [{ role: "user", content: [{ type: "video" }] }] }), /^messages\.0\.content\.0: Input tag 'video'/],
      [ask("x", { temperature: 1.5 }), "temperature: Input should be less than or equal to 1"],
      [ask("x", { system: 42 }), /^system:/],
    ];
    for (const [body, message] of cases) await expectError(await messages(emu.url, body), 400, "invalid_request_error", message);
    await expectError(await messages(emu.url, "{oops"), 400, "invalid_request_error");
  });

  it("answers 404 not_found_error for an unknown model or path", async () => {
    await expectError(await messages(emu.url, ask("x", { model: "claude-2.0" })), 404, "not_found_error", "model: claude-2.0");
    const res = await fetch(`${emu.url}/v1/complete`, { method: "POST" });
    await expectError(res, 404, "not_found_error");
  });

  it("answers 413 request_too_large for a body over the size limit", async () => {
    const res = await messages(emu.url, ask("x".repeat(5_000)));
    await expectError(res, 413, "request_too_large");
  });

  it("accepts the final assistant turn as an empty prefill", async () => {
    const res = await messages(emu.url, ask("x", { model: SONNET, messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "" }] }));
    expect(res.status).toBe(200);
  });
});
