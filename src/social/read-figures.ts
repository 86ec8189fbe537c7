// One entry point for reading a platform's figures and its history: the platform picks the vendor folder that maps
// its data to our figures, so the rest of the server (Analytics' collection and backfill) never sees a vendor field.
import { readInstagramFigures } from "./instagram/figures";
import { instagramConfig, type InstagramConfig } from "./instagram/config";
import { readInstagramHistory } from "./instagram/history";
import { SocialError } from "./oauth/errors";
import type { OAuthPlatform } from "./platforms";
import type { PlatformHistory, ReadFiguresInput, ReadFiguresResult, ReadHistoryInput } from "./figures";
import { readTikTokFigures } from "./tiktok/figures";
import { tiktokConfig, type TikTokConfig } from "./tiktok/config";
import { readTikTokHistory } from "./tiktok/history";

function tiktok(): TikTokConfig {
  const config = tiktokConfig();
  if (!config) throw new SocialError("tiktok", "not_configured", "TikTok is not configured on this deployment");
  return config;
}

function instagram(): InstagramConfig {
  const config = instagramConfig();
  if (!config) throw new SocialError("instagram", "not_configured", "Instagram is not configured on this deployment");
  return config;
}

const READERS: Record<OAuthPlatform, (input: ReadFiguresInput) => Promise<ReadFiguresResult>> = {
  tiktok: (input) => readTikTokFigures(tiktok(), input),
  instagram: (input) => readInstagramFigures(instagram(), input),
};

const HISTORY_READERS: Record<OAuthPlatform, (input: ReadHistoryInput) => Promise<PlatformHistory>> = {
  tiktok: (input) => readTikTokHistory(tiktok(), input),
  instagram: (input) => readInstagramHistory(instagram(), input),
};

/**
 * Reads the figures of one connection on an OAuth platform (those are read through the vendor's API; OnlyFans
 * through its browser worker). Throws SocialError (not_configured, rate_limited, token_invalid, ...) as the client does.
 */
export async function readPlatformFigures(platform: OAuthPlatform, input: ReadFiguresInput): Promise<ReadFiguresResult> {
  return READERS[platform](input);
}

/**
 * Reads the history one connection's vendor gives back in time (a backfill): past UTC days, oldest first, with the
 * figures the vendor does not give left absent. Throws SocialError as the client does (rate_limited with retry-after).
 */
export async function readPlatformHistory(platform: OAuthPlatform, input: ReadHistoryInput): Promise<PlatformHistory> {
  return HISTORY_READERS[platform](input);
}
