import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { portsFromEnv, startAllEmulators } from "./run";

describe("emulator launcher", () => {
  it("starts both emulators and hands back the app's environment for them", async () => {
    const running = await startAllEmulators({ tiktok: 0, instagram: 0 });
    try {
      expect(running.env.TIKTOK_AUTH_URL).toBe(`${running.tiktok.url}/v2/auth/authorize/`);
      expect(running.env.INSTAGRAM_GRAPH_URL).toBe(running.instagram.url);
      expect((await fetch(`${running.tiktok.url}/__control/requests`)).status).toBe(200);
      expect((await fetch(`${running.instagram.url}/__control/requests`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("reads ports from the environment and refuses a value that is not a port", () => {
    expect(portsFromEnv({})).toEqual({ tiktok: 4010, instagram: 4020 });
    expect(portsFromEnv({ TIKTOK_EMULATOR_PORT: "0", INSTAGRAM_EMULATOR_PORT: "5020" })).toEqual({ tiktok: 0, instagram: 5020 });
    expect(() => portsFromEnv({ TIKTOK_EMULATOR_PORT: "http" })).toThrow(/TIKTOK_EMULATOR_PORT/);
  });

  it("prints one line per emulator from the CLI and exits cleanly on SIGTERM", async () => {
    const child = spawn("node_modules/.bin/tsx", ["emulators/run.ts"], {
      env: { ...process.env, TIKTOK_EMULATOR_PORT: "0", INSTAGRAM_EMULATOR_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    for (let waited = 0; output.split("\n").length < 3 && waited < 15_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = output.trim().split("\n");
    expect(lines[0]).toMatch(/^TikTok emulator +http:\/\/127\.0\.0\.1:\d+ .*TIKTOK_API_URL=/);
    expect(lines[1]).toMatch(/^Instagram emulator http:\/\/127\.0\.0\.1:\d+ .*INSTAGRAM_GRAPH_URL=/);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
