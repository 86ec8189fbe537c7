import { getEnv } from "@/src/config";

export const TIKTOK_SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"] as const;
export const TIKTOK_CALLBACK_PATH = "/api/auth/tiktok/callback";

export interface TikTokConfig {
  clientKey: string;
  secrets: { current: string; next?: string };
  authUrl: string;
  apiUrl: string;
  redirectUri: string;
}

/** null when TikTok is not configured on this deployment. */
export function tiktokConfig(): TikTokConfig | null {
  const env = getEnv();
  if (!env.TIKTOK_CLIENT_KEY || !env.TIKTOK_CLIENT_SECRET) return null;
  return {
    clientKey: env.TIKTOK_CLIENT_KEY,
    secrets: { current: env.TIKTOK_CLIENT_SECRET, next: env.TIKTOK_CLIENT_SECRET_NEXT },
    authUrl: env.TIKTOK_AUTH_URL,
    apiUrl: env.TIKTOK_API_URL,
    redirectUri: `${env.PUBLIC_APP_URL}${TIKTOK_CALLBACK_PATH}`,
  };
}
