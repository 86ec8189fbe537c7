// The platforms a creator connects, defined once: their ids (as stored in SocialConnection.provider, snapshots and
// KPI events), which connect through OAuth, and the names shown to people. Imports nothing, so any part may use it.

export const PLATFORMS = ["tiktok", "instagram", "onlyfans"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Connected through the vendor's OAuth and read through its API; OnlyFans goes through a consented browser session. */
export const OAUTH_PLATFORMS = ["tiktok", "instagram"] as const satisfies readonly Platform[];
export type OAuthPlatform = (typeof OAUTH_PLATFORMS)[number];

export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = { tiktok: "TikTok", instagram: "Instagram", onlyfans: "OnlyFans" };

export const isPlatform = (value: string): value is Platform => (PLATFORMS as readonly string[]).includes(value);
export const isOAuthPlatform = (value: string): value is OAuthPlatform => (OAUTH_PLATFORMS as readonly string[]).includes(value);
