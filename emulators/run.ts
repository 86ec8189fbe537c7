// `npm run emulators`: starts the TikTok, Instagram, Azure OpenAI, Anthropic and OnlyFans emulators on fixed ports and prints
// the environment that points the app at them (startAllEmulators() is the same thing for a dev launcher that runs
// in-process), then the S3 emulator and the environment that points `npm run backup` at it.
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { startAnthropicEmulator, type AnthropicControl } from "./anthropic";
import { startAzureOpenAIEmulator, type AzureOpenAIControl } from "./azure-openai";
import { startInstagramEmulator, type InstagramControl } from "./instagram";
import { startOnlyFansEmulator, type OnlyFansControl } from "./onlyfans";
import { S3_DEFAULTS, startS3Emulator } from "./s3";
import type { RunningEmulator } from "./shared";
import { startTikTokEmulator, type TikTokControl } from "./tiktok";

export type EmulatorPorts = { tiktok?: number; instagram?: number; azureOpenAI?: number; anthropic?: number; onlyfans?: number };

export type RunningEmulators = {
  tiktok: RunningEmulator<TikTokControl>;
  instagram: RunningEmulator<InstagramControl>;
  azureOpenAI: RunningEmulator<AzureOpenAIControl>;
  anthropic: RunningEmulator<AnthropicControl>;
  onlyfans: RunningEmulator<OnlyFansControl>;
  /** The app's environment variables for every emulator, with the default credentials. */
  env: Record<string, string>;
  close(): Promise<void>;
};

export const DEFAULT_PORTS = { tiktok: 4010, instagram: 4020, azureOpenAI: 4030, anthropic: 4040, onlyfans: 4050 } as const;

/**
 * The port for each emulator; one left out gets its default. The LLM and OnlyFans emulators came later, so a caller written for
 * the social pair (`{ tiktok: 0, instagram: 0 }`, a test asking for free ports) gets free ports for them too rather
 * than fixed ones that may be taken: a left-out LLM port is 0 when every port given is 0.
 */
export function resolvePorts(ports: EmulatorPorts): Required<EmulatorPorts> {
  const given = Object.values(ports).filter((p): p is number => p !== undefined);
  const allRandom = given.length > 0 && given.every((p) => p === 0);
  const laterPort = (name: "azureOpenAI" | "anthropic" | "onlyfans") => ports[name] ?? (allRandom ? 0 : DEFAULT_PORTS[name]);
  return {
    tiktok: ports.tiktok ?? DEFAULT_PORTS.tiktok,
    instagram: ports.instagram ?? DEFAULT_PORTS.instagram,
    azureOpenAI: laterPort("azureOpenAI"),
    anthropic: laterPort("anthropic"),
    onlyfans: laterPort("onlyfans"),
  };
}

/** Starts every emulator (port 0 = any free port); if one fails to start, those already started are closed again. */
export async function startAllEmulators(ports: EmulatorPorts = DEFAULT_PORTS): Promise<RunningEmulators> {
  const resolved = resolvePorts(ports);
  const started: Array<{ close(): Promise<void> }> = [];
  const start = async <T extends { close(): Promise<void> }>(launch: () => Promise<T>): Promise<T> => {
    try {
      const emulator = await launch();
      started.push(emulator);
      return emulator;
    } catch (error) {
      await Promise.all(started.map((e) => e.close()));
      throw error;
    }
  };
  const tiktok = await start(() => startTikTokEmulator({ port: resolved.tiktok }));
  const instagram = await start(() => startInstagramEmulator({ port: resolved.instagram }));
  const azureOpenAI = await start(() => startAzureOpenAIEmulator({ port: resolved.azureOpenAI }));
  const anthropic = await start(() => startAnthropicEmulator({ port: resolved.anthropic }));
  const onlyfans = await start(() => startOnlyFansEmulator({ port: resolved.onlyfans }));
  return {
    tiktok,
    instagram,
    azureOpenAI,
    anthropic,
    onlyfans,
    env: { ...tiktokEnv(tiktok.url), ...instagramEnv(instagram.url), ...azureOpenAIEnv(azureOpenAI.url), ...anthropicEnv(anthropic.url), ...onlyfansEnv(onlyfans.url) },
    close: async () => {
      await Promise.all(started.map((e) => e.close()));
    },
  };
}

// The names src/config/env.ts reads; the secrets are the emulators' public development defaults.
export const tiktokEnv = (url: string) => ({
  TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
  TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
  TIKTOK_AUTH_URL: `${url}/v2/auth/authorize/`,
  TIKTOK_API_URL: url,
});

export const instagramEnv = (url: string) => ({
  INSTAGRAM_CLIENT_ID: "huntaze-dev-instagram-app",
  INSTAGRAM_CLIENT_SECRET: "huntaze-dev-instagram-secret",
  INSTAGRAM_AUTH_URL: `${url}/oauth/authorize`,
  INSTAGRAM_API_URL: url,
  INSTAGRAM_GRAPH_URL: url,
});

// Blue is the first deployment, green the second one on the same emulated resource.
export const azureOpenAIEnv = (url: string) => ({
  AZURE_OPENAI_ENDPOINT: url,
  AZURE_OPENAI_API_KEY: "azure-dev-key-1",
  AZURE_OPENAI_API_VERSION: "2024-10-21",
  AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
  AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
});

export const anthropicEnv = (url: string) => ({
  ANTHROPIC_BASE_URL: url,
  ANTHROPIC_API_KEY: "anthropic-dev-key",
  ANTHROPIC_MODEL: "claude-haiku-4-5",
});

// Points the worker at the emulator; OnlyFans stays off until ONLYFANS_WORKER_ENABLED is set as well.
export const onlyfansEnv = (url: string) => ({
  ONLYFANS_BASE_URL: url,
});

// Not in startAllEmulators: only `npm run backup` talks to S3, never the web app those emulators serve.
const S3_EMULATOR_PORT = 4060;

/**
 * Where `npm run backup` uploads with the S3 emulator: its bucket under the backup role's prefix, and its development
 * access key for the AWS SDK's default chain (which reads AWS_* itself).
 */
export const s3Env = (url: string) => ({
  BACKUP_S3_URI: `s3://${S3_DEFAULTS.buckets[0]}/huntaze/`,
  BACKUP_S3_ENDPOINT: url,
  AWS_REGION: S3_DEFAULTS.region,
  AWS_ACCESS_KEY_ID: Object.keys(S3_DEFAULTS.credentials)[0]!,
  AWS_SECRET_ACCESS_KEY: Object.values(S3_DEFAULTS.credentials)[0]!,
});

/** The S3 emulator's port: S3_EMULATOR_PORT, else 4060, or a free one when the social ports asked for free ones. */
export function s3PortFromEnv(env: Record<string, string | undefined> = process.env): number {
  const social = portsFromEnv(env);
  return readPort(env, "S3_EMULATOR_PORT") ?? (social.tiktok === 0 && social.instagram === 0 ? 0 : S3_EMULATOR_PORT);
}

const portSchema = z.coerce.number().int().min(0).max(65_535);

function readPort(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const parsed = portSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
  return parsed.data;
}

/** Reads TIKTOK_EMULATOR_PORT / INSTAGRAM_EMULATOR_PORT, refusing anything that is not a port number. */
export function portsFromEnv(
  env: Record<string, string | undefined> = process.env,
): Required<Pick<EmulatorPorts, "tiktok" | "instagram">> {
  return {
    tiktok: readPort(env, "TIKTOK_EMULATOR_PORT") ?? DEFAULT_PORTS.tiktok,
    instagram: readPort(env, "INSTAGRAM_EMULATOR_PORT") ?? DEFAULT_PORTS.instagram,
  };
}

/**
 * Reads AZURE_OPENAI_EMULATOR_PORT / ANTHROPIC_EMULATOR_PORT / ONLYFANS_EMULATOR_PORT; an unset one is left out so
 * resolvePorts() picks it (4030 / 4040 / 4050, or a free port when the social emulators were both given 0).
 */
export function llmPortsFromEnv(env: Record<string, string | undefined> = process.env): Pick<EmulatorPorts, "azureOpenAI" | "anthropic" | "onlyfans"> {
  const azureOpenAI = readPort(env, "AZURE_OPENAI_EMULATOR_PORT");
  const anthropic = readPort(env, "ANTHROPIC_EMULATOR_PORT");
  const onlyfans = readPort(env, "ONLYFANS_EMULATOR_PORT");
  return {
    ...(azureOpenAI === undefined ? {} : { azureOpenAI }),
    ...(anthropic === undefined ? {} : { anthropic }),
    ...(onlyfans === undefined ? {} : { onlyfans }),
  };
}

const asEnvLine = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

async function main(): Promise<void> {
  const running = await startAllEmulators({ ...portsFromEnv(), ...llmPortsFromEnv() });
  const s3 = await startS3Emulator({ port: s3PortFromEnv() }).catch(async (error: unknown) => {
    await running.close();
    throw error;
  });
  process.stdout.write(`TikTok emulator    ${running.tiktok.url}  ${asEnvLine(tiktokEnv(running.tiktok.url))}\n`);
  process.stdout.write(`Instagram emulator ${running.instagram.url}  ${asEnvLine(instagramEnv(running.instagram.url))}\n`);
  process.stdout.write(`Azure OpenAI emulator ${running.azureOpenAI.url}  ${asEnvLine(azureOpenAIEnv(running.azureOpenAI.url))}\n`);
  process.stdout.write(`Anthropic emulator ${running.anthropic.url}  ${asEnvLine(anthropicEnv(running.anthropic.url))}\n`);
  process.stdout.write(`OnlyFans emulator  ${running.onlyfans.url}  ${asEnvLine(onlyfansEnv(running.onlyfans.url))} (sign in as creator@example.com / emulated-password, code 123456)\n`);
  process.stdout.write(`S3 emulator        ${s3.url}  ${asEnvLine(s3Env(s3.url))} (for npm run backup)\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all([running.close(), s3.close()]).then(() => process.exit(0));
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
