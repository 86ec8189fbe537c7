// One entry point for every platform: the connection's provider picks the collector.
import type { SocialConnection } from "@/src/data";
import { instagramConfig, SocialError, tiktokConfig } from "@/src/social";
import { collectInstagram } from "./instagram";
import type { CollectedSnapshots, CollectorInput } from "./shared";
import { collectTikTok } from "./tiktok";
import { OAUTH_PLATFORMS } from "@/src/social/platforms";

export type { CollectedSnapshots, CollectorInput } from "./shared";
export { MAX_POSTS_PER_SNAPSHOT } from "./shared";
export { collectTikTok, TIKTOK_REFRESH_COUNT } from "./tiktok";
export { collectInstagram, insightValue } from "./instagram";

/** Read through the vendors' APIs: the OAuth platforms. */
export const COLLECTED_PROVIDERS = OAUTH_PLATFORMS;
export type CollectedProvider = (typeof COLLECTED_PROVIDERS)[number];

export function isCollectedProvider(provider: string): provider is CollectedProvider {
  return (COLLECTED_PROVIDERS as readonly string[]).includes(provider);
}

/** Reads the platform for one connection. Throws SocialError (rate_limited, token_invalid, ...) as the client does. */
export async function collectForConnection(connection: Pick<SocialConnection, "provider">, input: CollectorInput): Promise<CollectedSnapshots> {
  if (connection.provider === "tiktok") {
    const config = tiktokConfig();
    if (!config) throw new SocialError("tiktok", "not_configured", "TikTok is not configured on this deployment");
    return collectTikTok(config, input);
  }
  if (connection.provider === "instagram") {
    const config = instagramConfig();
    if (!config) throw new SocialError("instagram", "not_configured", "Instagram is not configured on this deployment");
    return collectInstagram(config, input);
  }
  throw new SocialError(connection.provider, "not_configured", `no collector for ${connection.provider}`);
}
