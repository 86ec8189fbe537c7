// One entry point for reading a platform's figures: the platform picks the vendor folder that maps its data to our
// figures, so the rest of the server (Analytics' collection) never sees a vendor field.
import { readInstagramFigures } from "./instagram/figures";
import { instagramConfig } from "./instagram/config";
import { SocialError } from "./oauth/errors";
import type { OAuthPlatform } from "./platforms";
import type { ReadFiguresInput, ReadFiguresResult } from "./figures";
import { readTikTokFigures } from "./tiktok/figures";
import { tiktokConfig } from "./tiktok/config";

const READERS: Record<OAuthPlatform, (input: ReadFiguresInput) => Promise<ReadFiguresResult>> = {
  tiktok: (input) => {
    const config = tiktokConfig();
    if (!config) throw new SocialError("tiktok", "not_configured", "TikTok is not configured on this deployment");
    return readTikTokFigures(config, input);
  },
  instagram: (input) => {
    const config = instagramConfig();
    if (!config) throw new SocialError("instagram", "not_configured", "Instagram is not configured on this deployment");
    return readInstagramFigures(config, input);
  },
};

/**
 * Reads the figures of one connection on an OAuth platform (those are read through the vendor's API; OnlyFans
 * through its browser worker). Throws SocialError (not_configured, rate_limited, token_invalid, ...) as the client does.
 */
export async function readPlatformFigures(platform: OAuthPlatform, input: ReadFiguresInput): Promise<ReadFiguresResult> {
  return READERS[platform](input);
}
