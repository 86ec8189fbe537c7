import { afterAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "./index";
import { chat, chatUrl, userSays } from "./test-support";

const emu = await startAzureOpenAIEmulator();
afterAll(() => emu.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

describe("Azure OpenAI request errors", () => {
  it("answers 404 Resource not found without an api-version", async () => {
    const res = await chat(emu.url, userSays("x"), { apiVersion: null });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
    expect(res.headers.get("apim-request-id")).toBeTruthy();
  });

  it("answers 400 BadRequest for an unsupported api-version, or the older 404 when configured", async () => {
    const res = await chat(emu.url, userSays("x"), { apiVersion: "2022-12-01" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "BadRequest", message: "API version not supported" } });
    const old = await startAzureOpenAIEmulator({ unsupportedApiVersionStatus: 404 });
    try {
      const legacy = await chat(old.url, userSays("x"), { apiVersion: "2022-12-01" });
      expect(legacy.status).toBe(404);
      expect(await errorOf(legacy)).toEqual({ code: "404", message: "Resource not found" });
    } finally {
      await old.close();
    }
  });

  it("answers 401 with Azure's access-denied message for a wrong or missing key", async () => {
    for (const apiKey of ["wrong-key", null]) {
      const res = await chat(emu.url, userSays("x"), { apiKey });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toEqual({
        code: "401",
        message: expect.stringMatching(/^Access denied due to invalid subscription key or wrong API endpoint\./),
      });
    }
  });

  it("answers 404 DeploymentNotFound for a deployment the resource does not have", async () => {
    const res = await chat(emu.url, userSays("x"), { deployment: "gpt-4o" });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({
      code: "DeploymentNotFound",
      message: expect.stringContaining("The API deployment for this resource does not exist."),
    });
  });

  it("answers 404 for a path or method it does not serve", async () => {
    expect((await fetch(`${emu.url}/openai/deployments/gpt-4o-mini/completions?api-version=2024-10-21`, { method: "POST" })).status).toBe(404);
    expect((await fetch(chatUrl(emu.url), { headers: { "api-key": "azure-dev-key-1" } })).status).toBe(404);
  });

  it("refuses body fields it does not know, naming them", async () => {
    const one = await chat(emu.url, userSays("x", { temprature: 0.2 }));
    expect(one.status).toBe(400);
    expect(await errorOf(one)).toEqual({
      message: "Unrecognized request argument supplied: temprature",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    const two = await chat(emu.url, userSays("x", { topP: 1, presencePenalty: 0 }));
    expect((await errorOf(two)).message).toBe("Unrecognized request arguments supplied: topP, presencePenalty");
  });

  it("validates messages: required, non-empty, known roles, content present", async () => {
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [{}, { param: "messages", code: "missing_required_parameter" }],
      [{ messages: "hi" }, { param: "messages", code: "invalid_type" }],
      [{ messages: [] }, { param: "messages", code: "empty_array" }],
      [{ messages: [{ role: "robot", content: "x" }] }, { param: "messages[0].role", code: "invalid_value" }],
      [{ messages: [{ content: "x" }] }, { param: "messages[0].role", code: "missing_required_parameter" }],
      [{ messages: [{ role: "user" }] }, { param: "messages[0].content", code: "missing_required_parameter" }],
      [{ messages: [{ role: "user", content: 42 }] }, { param: "messages[0].content", code: "invalid_type" }],
      [{ messages: [{ role: "user", content: [{ type: "text" }] }] }, { param: "messages[0].content[0].text" }],
      [{ messages: [{ role: "tool", content: "x" }] }, { param: "messages[0].tool_call_id" }],
    ];
    for (const [body, expected] of cases) {
      const res = await chat(emu.url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(res)).toMatchObject({ type: "invalid_request_error", ...expected });
    }
    const parts = await chat(emu.url, { messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
    expect(parts.status).toBe(200);
    const toolCall = await chat(emu.url, {
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    expect(toolCall.status).toBe(200);
  });

  it("checks parameter ranges with OpenAI's error codes", async () => {
    expect(await errorOf(await chat(emu.url, userSays("x", { max_tokens: 0 })))).toMatchObject({ param: "max_tokens", code: "integer_below_min_value" });
    expect(await errorOf(await chat(emu.url, userSays("x", { temperature: 3 })))).toMatchObject({ param: "temperature", code: "decimal_above_max_value" });
    expect(await errorOf(await chat(emu.url, userSays("x", { stream_options: { include_usage: true } })))).toMatchObject({ param: "stream_options" });
    expect(await errorOf(await chat(emu.url, userSays("x", { response_format: { type: "yaml" } })))).toMatchObject({ param: "response_format.type" });
  });

  it("answers 400 when the body is not JSON", async () => {
    const res = await chat(emu.url, "{not json");
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/^We could not parse the JSON body of your request\./);
  });
});
