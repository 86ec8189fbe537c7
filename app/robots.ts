import type { MetadataRoute } from "next";
import { getEnv } from "@/src/config";

// Per request: the sitemap's absolute URL comes from PUBLIC_APP_URL, which is runtime configuration.
export const dynamic = "force-dynamic";

export default function robots(): MetadataRoute.Robots {
  return {
    // /app and /kpi are not listed: a crawler is sent to sign-in there, and the KPI host already answers
    // X-Robots-Tag: noindex (blocking it here would hide that header from crawlers).
    rules: { userAgent: "*", allow: "/", disallow: ["/api/", "/auth/"] },
    sitemap: `${getEnv().PUBLIC_APP_URL}/sitemap.xml`,
  };
}
