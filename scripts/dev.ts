// npm run dev: `next dev`, plus the TikTok and Instagram emulators when no real credentials are set, so a
// new developer can click Connect and watch the whole OAuth flow with nothing configured.
import "./load-env";
import { spawn } from "node:child_process";
import { startInstagramEmulator } from "@/emulators/instagram";
import { startTikTokEmulator } from "@/emulators/tiktok";

const env: NodeJS.ProcessEnv = { ...process.env };
const closers: Array<() => Promise<void>> = [];
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function startOn<T extends { url: string; close(): Promise<void> }>(start: (o: { port: number }) => Promise<T>, preferred: number): Promise<T> {
  try {
    return await start({ port: preferred });
  } catch {
    return start({ port: 0 }); // the usual port is taken (another dev server): any free one
  }
}

if (!env.TIKTOK_CLIENT_KEY) {
  const tiktok = await startOn(startTikTokEmulator, port("TIKTOK_EMULATOR_PORT", 4010));
  closers.push(tiktok.close);
  Object.assign(env, {
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
  });
  console.log(`TikTok emulator on ${tiktok.url} (no TIKTOK_CLIENT_KEY set)`);
}
if (!env.INSTAGRAM_CLIENT_ID) {
  const instagram = await startOn(startInstagramEmulator, port("INSTAGRAM_EMULATOR_PORT", 4020));
  closers.push(instagram.close);
  Object.assign(env, {
    INSTAGRAM_CLIENT_ID: "huntaze-dev-instagram-app",
    INSTAGRAM_CLIENT_SECRET: "huntaze-dev-instagram-secret",
    INSTAGRAM_AUTH_URL: `${instagram.url}/oauth/authorize`,
    INSTAGRAM_API_URL: instagram.url,
    INSTAGRAM_GRAPH_URL: instagram.url,
  });
  console.log(`Instagram emulator on ${instagram.url} (no INSTAGRAM_CLIENT_ID set)`);
}

const next = spawn("node_modules/.bin/next", ["dev", ...process.argv.slice(2)], { stdio: "inherit", env });
const stop = async (code: number) => {
  await Promise.allSettled(closers.map((close) => close()));
  process.exit(code);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => next.kill(signal));
next.on("exit", (code) => void stop(code ?? 0));
