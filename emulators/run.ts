// `npm run emulators`: starts the TikTok and Instagram emulators on fixed ports and prints the environment that
// points the app at them. startAllEmulators() is the same thing for a dev launcher that runs in-process.
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { startInstagramEmulator, type InstagramControl } from "./instagram";
import type { RunningEmulator } from "./shared";
import { startTikTokEmulator, type TikTokControl } from "./tiktok";

export type EmulatorPorts = { tiktok?: number; instagram?: number };

export type RunningEmulators = {
  tiktok: RunningEmulator<TikTokControl>;
  instagram: RunningEmulator<InstagramControl>;
  /** The app's environment variables for both emulators, with the default credentials. */
  env: Record<string, string>;
  close(): Promise<void>;
};

export const DEFAULT_PORTS = { tiktok: 4010, instagram: 4020 } as const;

/** Starts both emulators (port 0 = any free port); if the second fails to start, the first is closed again. */
export async function startAllEmulators(ports: EmulatorPorts = DEFAULT_PORTS): Promise<RunningEmulators> {
  const tiktok = await startTikTokEmulator({ port: ports.tiktok ?? DEFAULT_PORTS.tiktok });
  let instagram: RunningEmulator<InstagramControl>;
  try {
    instagram = await startInstagramEmulator({ port: ports.instagram ?? DEFAULT_PORTS.instagram });
  } catch (error) {
    await tiktok.close();
    throw error;
  }
  return {
    tiktok,
    instagram,
    env: { ...tiktokEnv(tiktok.url), ...instagramEnv(instagram.url) },
    close: async () => {
      await Promise.all([tiktok.close(), instagram.close()]);
    },
  };
}

// The names src/config/env.ts reads; the secrets are the emulators' public development defaults.
const tiktokEnv = (url: string) => ({
  TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
  TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
  TIKTOK_AUTH_URL: `${url}/v2/auth/authorize/`,
  TIKTOK_API_URL: url,
});

const instagramEnv = (url: string) => ({
  INSTAGRAM_CLIENT_ID: "huntaze-dev-instagram-app",
  INSTAGRAM_CLIENT_SECRET: "huntaze-dev-instagram-secret",
  INSTAGRAM_AUTH_URL: `${url}/oauth/authorize`,
  INSTAGRAM_API_URL: url,
  INSTAGRAM_GRAPH_URL: url,
});

const portSchema = z.coerce.number().int().min(0).max(65_535);

/** Reads TIKTOK_EMULATOR_PORT / INSTAGRAM_EMULATOR_PORT, refusing anything that is not a port number. */
export function portsFromEnv(env: Record<string, string | undefined> = process.env): Required<EmulatorPorts> {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const parsed = portSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
    return parsed.data;
  };
  return {
    tiktok: read("TIKTOK_EMULATOR_PORT", DEFAULT_PORTS.tiktok),
    instagram: read("INSTAGRAM_EMULATOR_PORT", DEFAULT_PORTS.instagram),
  };
}

const asEnvLine = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

async function main(): Promise<void> {
  const running = await startAllEmulators(portsFromEnv());
  process.stdout.write(`TikTok emulator    ${running.tiktok.url}  ${asEnvLine(tiktokEnv(running.tiktok.url))}\n`);
  process.stdout.write(`Instagram emulator ${running.instagram.url}  ${asEnvLine(instagramEnv(running.instagram.url))}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

// Run only as the entry point (tsx emulators/run.ts), not when a launcher imports startAllEmulators.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`emulators failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
