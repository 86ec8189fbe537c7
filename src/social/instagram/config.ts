import { getEnv } from "@/src/config";

export const INSTAGRAM_SCOPES = ["instagram_business_basic", "instagram_business_manage_insights"] as const;
export const INSTAGRAM_CALLBACK_PATH = "/auth/instagram/callback";

export interface InstagramConfig {
  clientId: string;
  secrets: { current: string; next?: string };
  authUrl: string;
  apiUrl: string;
  graphUrl: string;
  graphVersion: string;
  redirectUri: string;
}

export function instagramConfig(): InstagramConfig | null {
  const env = getEnv();
  if (!env.INSTAGRAM_CLIENT_ID || !env.INSTAGRAM_CLIENT_SECRET) return null;
  return {
    clientId: env.INSTAGRAM_CLIENT_ID,
    secrets: { current: env.INSTAGRAM_CLIENT_SECRET, next: env.INSTAGRAM_CLIENT_SECRET_NEXT },
    authUrl: env.INSTAGRAM_AUTH_URL,
    apiUrl: env.INSTAGRAM_API_URL,
    graphUrl: env.INSTAGRAM_GRAPH_URL,
    graphVersion: env.INSTAGRAM_GRAPH_VERSION,
    redirectUri: `${env.PUBLIC_APP_URL}${INSTAGRAM_CALLBACK_PATH}`,
  };
}
