import type { MetadataRoute } from "next";
import { getEnv } from "@/src/config";

export const dynamic = "force-dynamic";

/** The pages anyone may land on; everything else needs an account. */
export default function sitemap(): MetadataRoute.Sitemap {
  const origin = getEnv().PUBLIC_APP_URL;
  return [
    { url: `${origin}/`, changeFrequency: "monthly", priority: 1 },
    { url: `${origin}/sign-up`, changeFrequency: "yearly", priority: 0.8 },
    { url: `${origin}/sign-in`, changeFrequency: "yearly", priority: 0.5 },
  ];
}
