// The launcher's LLM half (emulators/run.ts): both LLM emulators start with the social ones and print their env.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { llmPortsFromEnv, resolvePorts, startAllEmulators } from "../run";

describe("emulator launcher with the LLM emulators", () => {
  it("starts Azure OpenAI and Anthropic with the others and hands back the app's environment for them", async () => {
    const running = await startAllEmulators({ tiktok: 0, instagram: 0, azureOpenAI: 0, anthropic: 0 });
    try {
      expect(running.env).toMatchObject({
        AZURE_OPENAI_ENDPOINT: running.azureOpenAI.url,
        AZURE_OPENAI_API_KEY: "azure-dev-key-1",
        AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
        AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
        ANTHROPIC_BASE_URL: running.anthropic.url,
        ANTHROPIC_API_KEY: "anthropic-dev-key",
      });
      const chat = await fetch(
        `${running.env.AZURE_OPENAI_ENDPOINT}/openai/deployments/${running.env.AZURE_OPENAI_DEPLOYMENT}/chat/completions?api-version=${running.env.AZURE_OPENAI_API_VERSION}`,
        {
          method: "POST",
          headers: { "api-key": running.env.AZURE_OPENAI_API_KEY!, "content-type": "application/json" },
          body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
        },
      );
      expect(chat.status).toBe(200);
      const message = await fetch(`${running.env.ANTHROPIC_BASE_URL}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": running.env.ANTHROPIC_API_KEY!, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify({ model: running.env.ANTHROPIC_MODEL, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(message.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("defaults the LLM and OnlyFans ports to 4030, 4040 and 4050, or to free ports when the social ports asked for free ones", () => {
    expect(resolvePorts({})).toEqual({ tiktok: 4010, instagram: 4020, azureOpenAI: 4030, anthropic: 4040, onlyfans: 4050 });
    expect(resolvePorts({ tiktok: 0, instagram: 0 })).toEqual({ tiktok: 0, instagram: 0, azureOpenAI: 0, anthropic: 0, onlyfans: 0 });
    expect(resolvePorts({ tiktok: 5010 })).toEqual({ tiktok: 5010, instagram: 4020, azureOpenAI: 4030, anthropic: 4040, onlyfans: 4050 });
    expect(resolvePorts({ instagram: 0 })).toMatchObject({ tiktok: 4010, azureOpenAI: 0 });
    expect(llmPortsFromEnv({})).toEqual({});
    expect(llmPortsFromEnv({ AZURE_OPENAI_EMULATOR_PORT: "5030", ANTHROPIC_EMULATOR_PORT: "0" })).toEqual({ azureOpenAI: 5030, anthropic: 0 });
    expect(llmPortsFromEnv({ ONLYFANS_EMULATOR_PORT: "5050" })).toEqual({ onlyfans: 5050 });
    expect(() => llmPortsFromEnv({ ANTHROPIC_EMULATOR_PORT: "claude" })).toThrow(/ANTHROPIC_EMULATOR_PORT/);
  });

  it("prints a line for each LLM emulator from the CLI", async () => {
    const child = spawn("node_modules/.bin/tsx", ["emulators/run.ts"], {
      env: { ...process.env, TIKTOK_EMULATOR_PORT: "0", INSTAGRAM_EMULATOR_PORT: "0", AZURE_OPENAI_EMULATOR_PORT: "0", ANTHROPIC_EMULATOR_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    for (let waited = 0; output.split("\n").length < 5 && waited < 15_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = output.trim().split("\n");
    expect(lines[2]).toMatch(/^Azure OpenAI emulator http:\/\/127\.0\.0\.1:\d+ .*AZURE_OPENAI_ENDPOINT=/);
    expect(lines[3]).toMatch(/^Anthropic emulator http:\/\/127\.0\.0\.1:\d+ .*ANTHROPIC_BASE_URL=/);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
