// npm run dev: `next dev`, plus an emulator for each provider that has no real credentials, so a new
// developer can click Connect, watch the OAuth flow, and stream AI drafts with nothing configured.
import "./load-env";
import { spawn } from "node:child_process";
import { startAnthropicEmulator } from "@/emulators/anthropic";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startInstagramEmulator } from "@/emulators/instagram";
import { anthropicEnv, azureOpenAIEnv, instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";

interface Started {
  url: string;
  close(): Promise<void>;
}

const EMULATORS: Array<{ name: string; configuredBy: string; portVariable: string; port: number; start: (o: { port: number }) => Promise<Started>; env: (url: string) => Record<string, string> }> = [
  { name: "TikTok", configuredBy: "TIKTOK_CLIENT_KEY", portVariable: "TIKTOK_EMULATOR_PORT", port: 4010, start: startTikTokEmulator, env: tiktokEnv },
  { name: "Instagram", configuredBy: "INSTAGRAM_CLIENT_ID", portVariable: "INSTAGRAM_EMULATOR_PORT", port: 4020, start: startInstagramEmulator, env: instagramEnv },
  { name: "Azure OpenAI", configuredBy: "AZURE_OPENAI_ENDPOINT", portVariable: "AZURE_OPENAI_EMULATOR_PORT", port: 4030, start: startAzureOpenAIEmulator, env: azureOpenAIEnv },
  { name: "Anthropic", configuredBy: "ANTHROPIC_API_KEY", portVariable: "ANTHROPIC_EMULATOR_PORT", port: 4040, start: startAnthropicEmulator, env: anthropicEnv },
];

const env: NodeJS.ProcessEnv = { ...process.env };
const closers: Array<() => Promise<void>> = [];

for (const emulator of EMULATORS) {
  if (env[emulator.configuredBy]) continue;
  const preferred = Number(env[emulator.portVariable] ?? emulator.port);
  // The usual port may be taken (another dev server): any free one then.
  const running = await emulator.start({ port: preferred }).catch(() => emulator.start({ port: 0 }));
  closers.push(() => running.close());
  Object.assign(env, emulator.env(running.url));
  console.log(`${emulator.name} emulator on ${running.url} (no ${emulator.configuredBy} set)`);
}

const next = spawn("node_modules/.bin/next", ["dev", ...process.argv.slice(2)], { stdio: "inherit", env });
const stop = async (code: number) => {
  await Promise.allSettled(closers.map((close) => close()));
  process.exit(code);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => next.kill(signal));
next.on("exit", (code) => void stop(code ?? 0));
