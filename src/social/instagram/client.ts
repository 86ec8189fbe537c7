// Graph reads for a connected professional account. Insights can be empty or lag 48 h: that is data.
import type { z } from "zod";
import { callProvider } from "../oauth/provider-http";
import type { InstagramConfig } from "./config";
import { classifyInstagram } from "./errors";
import { insights, MEDIA_FIELDS, MEDIA_METRICS, mediaPage, PROFILE_FIELDS, profile, type InstagramMedia, type InstagramProfile, type Insights } from "./schema";

function graph<T>(config: InstagramConfig, endpoint: string, path: string, params: Record<string, string>, accessToken: string, schema: z.ZodType<T>) {
  const url = new URL(`${config.graphUrl}/${config.graphVersion}${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  url.searchParams.set("access_token", accessToken);
  return callProvider({ provider: "instagram", endpoint, url: url.toString(), schema, classify: classifyInstagram(endpoint) });
}

export function fetchProfile(config: InstagramConfig, accessToken: string): Promise<InstagramProfile> {
  return graph(config, "me", "/me", { fields: PROFILE_FIELDS.join(",") }, accessToken, profile);
}

/** The account's media, newest first; `publishedSince` stops paging once a page reaches media older than it. */
export async function fetchMedia(
  config: InstagramConfig,
  accessToken: string,
  options: { maxPages?: number; pageSize?: number; publishedSince?: Date } = {},
): Promise<InstagramMedia[]> {
  const items: InstagramMedia[] = [];
  let after: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 4); page++) {
    const params: Record<string, string> = { fields: MEDIA_FIELDS.join(","), limit: String(options.pageSize ?? 25) };
    if (after) params.after = after;
    const result = await graph(config, "media", "/me/media", params, accessToken, mediaPage);
    items.push(...result.data);
    after = result.paging?.cursors?.after;
    const since = options.publishedSince?.getTime();
    if (since !== undefined && result.data.some((m) => Date.parse(m.timestamp) < since)) break;
    if (!result.paging?.next || !after) break;
  }
  return items;
}

export function fetchMediaInsights(config: InstagramConfig, accessToken: string, mediaId: string): Promise<Insights> {
  // Ids go into the path: anything but an id-shaped value is refused before a request is made.
  if (!/^[A-Za-z0-9_]+$/.test(mediaId)) throw new Error("not a media id");
  return graph(config, "media_insights", `/${mediaId}/insights`, { metric: MEDIA_METRICS.join(",") }, accessToken, insights);
}

export function fetchAccountInsights(
  config: InstagramConfig,
  accessToken: string,
  options: { metrics?: string[]; period?: "day" | "week" | "days_28"; since?: Date; until?: Date; metricType?: "time_series" | "total_value" } = {},
): Promise<Insights> {
  const params: Record<string, string> = { metric: (options.metrics ?? ["reach", "follower_count"]).join(","), period: options.period ?? "day" };
  // Total-only metrics (views, accounts_engaged, ...) are refused (#100) without metric_type=total_value.
  if (options.metricType) params.metric_type = options.metricType;
  if (options.since) params.since = String(Math.floor(options.since.getTime() / 1000));
  if (options.until) params.until = String(Math.floor(options.until.getTime() / 1000));
  return graph(config, "account_insights", "/me/insights", params, accessToken, insights);
}
