// AnalyticsSnapshot rows (one per connection, kind and hour: snapshotDedupeKey) and the latest of each kind per
// creator and platform in Redis, so the dashboard reads one key instead of scanning history. Redis is a cache:
// when a key is gone (flushed, expired, restored elsewhere) it is rebuilt from the newest row. The dashboard's daily
// series puts the observed figures (account, posts) next to the history a vendor gave back in time (`history` rows
// of the backfill), and says which is which, so a chart can be honest about where each figure comes from.
import { z } from "zod";
import type { KeyValueStore, Prisma, PrismaClient } from "@/src/data";
import type { AccountSnapshot, DayFigures, EarningsSnapshot, PostFigures, PostsSnapshot } from "@/src/social";
import { SNAPSHOT_KINDS, snapshotDedupeKey, type SnapshotKind } from "./snapshot-schema";
import { PLATFORMS, type OAuthPlatform } from "@/src/social/platforms";

export interface SnapshotDeps {
  prisma: PrismaClient;
  store: KeyValueStore;
}

/** What writing a snapshot needs: the client, or a transaction that has already updated (and locked) the connection row. */
export interface SnapshotWriter {
  prisma: Prisma.TransactionClient;
  store: KeyValueStore;
}

/** Two days: a missed sync or two still shows figures; the backup keep-list keeps `analytics:*`. */
export const LATEST_TTL_SECONDS = 2 * 24 * 60 * 60;

export const latestKey = (userId: string, provider: string, kind: SnapshotKind) => `analytics:latest:${userId}:${provider}:${kind}`;

export const SNAPSHOT_PROVIDERS = PLATFORMS;
export type SnapshotProvider = (typeof SNAPSHOT_PROVIDERS)[number];

/** Every latest-snapshot key a creator can have (account deletion removes them: they are personal figures). */
export const latestKeysOf = (userId: string): string[] =>
  SNAPSHOT_PROVIDERS.flatMap((provider) => (Object.keys(SNAPSHOT_KINDS) as SnapshotKind[]).map((kind) => latestKey(userId, provider, kind)));

/** A TikTok or Instagram connection, whose collector writes account and posts snapshots. */
export interface SnapshotOwner {
  id: string;
  userId: string;
  provider: OAuthPlatform;
}

export interface LatestSnapshot<K extends SnapshotKind> {
  connectionId: string;
  capturedAt: string;
  data: z.infer<(typeof SNAPSHOT_KINDS)[K]>;
}

const cachedLatest = <K extends SnapshotKind>(kind: K) =>
  z.object({ connectionId: z.string(), capturedAt: z.iso.datetime(), data: SNAPSHOT_KINDS[kind] as (typeof SNAPSHOT_KINDS)[K] });

/**
 * Writes the row for one kind. When the (connection, kind, hour) row already exists another collector got there
 * first, and it and its Redis copy are left as they are. Returns whether this call wrote it.
 */
export async function saveSnapshot<K extends SnapshotKind>(
  deps: SnapshotWriter,
  connection: { id: string; userId: string; provider: SnapshotProvider },
  kind: K,
  snapshot: z.input<(typeof SNAPSHOT_KINDS)[K]>,
  capturedAt = new Date(),
): Promise<boolean> {
  const data = SNAPSHOT_KINDS[kind].parse(snapshot) as z.infer<(typeof SNAPSHOT_KINDS)[K]>;
  const { count } = await deps.prisma.analyticsSnapshot.createMany({
    data: [{ userId: connection.userId, connectionId: connection.id, provider: connection.provider, kind, capturedAt, data, dedupeKey: snapshotDedupeKey(connection.id, kind, capturedAt) }],
    skipDuplicates: true,
  });
  if (count === 0) return false;
  await writeLatest(deps.store, connection.userId, connection.provider, kind, { connectionId: connection.id, capturedAt: capturedAt.toISOString(), data });
  return true;
}

/**
 * One OnlyFans dashboard reading (see saveSnapshot): the OnlyFans worker's saveFigures, called inside the transaction
 * that has just updated the connection row, so a disconnect meanwhile leaves no figures behind.
 */
export function saveEarnings(writer: SnapshotWriter, connection: { id: string; userId: string }, figures: EarningsSnapshot, capturedAt: Date): Promise<boolean> {
  return saveSnapshot(writer, { id: connection.id, userId: connection.userId, provider: "onlyfans" }, "earnings", figures, capturedAt);
}

/** The account and posts rows of one collection (see saveSnapshot). Returns the rows written. */
export async function saveSnapshots(
  deps: SnapshotDeps,
  connection: SnapshotOwner,
  snapshots: { account: AccountSnapshot; posts: PostsSnapshot },
  capturedAt = new Date(),
): Promise<number> {
  let written = 0;
  for (const kind of ["account", "posts"] as const) {
    if (await saveSnapshot(deps, connection, kind, snapshots[kind], capturedAt)) written += 1;
  }
  return written;
}

async function writeLatest<K extends SnapshotKind>(store: KeyValueStore, userId: string, provider: string, kind: K, value: LatestSnapshot<K>) {
  await store.set(latestKey(userId, provider, kind), JSON.stringify(value), LATEST_TTL_SECONDS);
}

/** The newest snapshot of a kind: Redis first, else the newest row (and Redis is filled again). */
export async function readLatest<K extends SnapshotKind>(deps: SnapshotDeps, userId: string, provider: string, kind: K): Promise<LatestSnapshot<K> | null> {
  const raw = await deps.store.get(latestKey(userId, provider, kind)).catch(() => null);
  if (raw !== null) {
    try {
      const cached = cachedLatest(kind).safeParse(JSON.parse(raw));
      if (cached.success) return cached.data as LatestSnapshot<K>;
    } catch {
      // Not JSON: rebuilt below.
    }
  }
  const row = await deps.prisma.analyticsSnapshot.findFirst({
    where: { userId, provider: provider as SnapshotProvider, kind },
    orderBy: { capturedAt: "desc" },
  });
  if (!row) return null;
  const data = SNAPSHOT_KINDS[kind].safeParse(row.data);
  if (!data.success) return null;
  const latest = { connectionId: row.connectionId, capturedAt: row.capturedAt.toISOString(), data: data.data } as LatestSnapshot<K>;
  // Best effort: with Redis down the dashboard still answers from the database.
  await writeLatest(deps.store, userId, provider, kind, latest).catch(() => undefined);
  return latest;
}

export interface DailyPoint {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** Followers at the day's last snapshot. */
  followers: number | null;
  /** Views of the recent posts at the day's last posts snapshot (posts without views are left out). */
  views: number | null;
  /** (likes + comments + shares + saves) / views over those same posts, 4 decimals. */
  engagementRate: number | null;
  /** The account's own views over its last day, where the platform reports it (Instagram insights). */
  accountViews: number | null;
  /** Backfilled (`history` rows): accounts that started following that day (Instagram; unfollows not counted). */
  newFollowers: number | null;
  /** Backfilled: unique accounts reached that day (Instagram). */
  reach: number | null;
  /** Backfilled: posts published that day. */
  postsPublished: number | null;
  /** Backfilled: lifetime views, as of the backfill, of the posts published that day. */
  postViews: number | null;
  /** Backfilled: lifetime likes, comments and shares, as of the backfill, of the posts published that day. */
  postInteractions: number | null;
  /** postInteractions / postViews, 4 decimals; null without views. */
  postEngagementRate: number | null;
}

/** The day figures a vendor can give back in time (see DayFigures). */
const HISTORY_FIGURES = ["newFollowers", "reach", "postsPublished", "postViews", "postInteractions"] as const;
export type HistoryFigure = (typeof HISTORY_FIGURES)[number];

/**
 * What each vendor can give back in time: Instagram's account insights have daily new followers and reach for about the
 * last 30 days, both vendors' post lists give posts by publish day. No vendor gives past follower totals, and TikTok
 * gives no daily account figures at all (its follower count is current only). What a backfill actually gave is in
 * SeriesSources.backfill.figures.
 */
const VENDOR_HISTORY: Record<SnapshotOwner["provider"], readonly HistoryFigure[]> = {
  instagram: HISTORY_FIGURES,
  tiktok: ["postsPublished", "postViews", "postInteractions"],
};

/** Where a platform's series comes from, for honest labels. */
export interface SeriesSources {
  /** The first UTC day (any time, not only in the window) with an observed account snapshot; null before the first sync. */
  observedSince: string | null;
  /**
   * The backfilled days (any time): the first and last day, the UTC day the vendor was read, and the figures it gave
   * on at least one day (Instagram gives no new followers to accounts under 100 followers); null before the backfill.
   */
  backfill: { from: string; to: string; readOn: string; figures: HistoryFigure[] } | null;
  /** Day figures this vendor does not give back in time: they are never in the series, whatever the window. */
  notGivenByVendor: HistoryFigure[];
}

export interface TopPost extends PostFigures {
  engagementRate: number | null;
}

export interface PlatformDashboard {
  provider: SnapshotOwner["provider"];
  status: "connected" | "needs_attention";
  username: string | null;
  lastSyncAt: string | null;
  lastErrorCode: string | null;
  account: (AccountSnapshot & { capturedAt: string }) | null;
  series: DailyPoint[];
  sources: SeriesSources;
  topPosts: TopPost[];
}

/** OnlyFans has no posts or followers here: the dashboard's earnings, subscribers and unread messages. */
export interface OnlyFansDashboard {
  status: "connected" | "needs_attention";
  lastSyncAt: string | null;
  lastErrorCode: string | null;
  latest: (EarningsSnapshot & { capturedAt: string }) | null;
  series: Array<{ date: string; subscribers: number | null; earnings30dCents: number | null }>;
}

export interface Dashboard {
  days: number;
  platforms: PlatformDashboard[];
  onlyfans: OnlyFansDashboard | null;
}

const DAY_MS = 86_400_000;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const interactions = (p: PostFigures) => p.likes + p.comments + (p.shares ?? 0) + (p.saves ?? 0);

/** Views and engagement over the posts that report views. */
function engagementOf(posts: PostFigures[]): { views: number | null; engagementRate: number | null } {
  const withViews = posts.filter((p) => p.views !== undefined);
  if (!withViews.length) return { views: null, engagementRate: null };
  const views = withViews.reduce((sum, p) => sum + p.views!, 0);
  const engaged = withViews.reduce((sum, p) => sum + interactions(p), 0);
  return { views, engagementRate: views > 0 ? round4(engaged / views) : null };
}

export function topPostsOf(posts: PostFigures[], count: number): TopPost[] {
  return [...posts]
    .sort((a, b) => (b.views ?? -1) - (a.views ?? -1) || interactions(b) - interactions(a) || Date.parse(b.publishedAt) - Date.parse(a.publishedAt))
    .slice(0, count)
    .map((p) => ({ ...p, engagementRate: p.views ? round4(interactions(p) / p.views) : null }));
}

async function dailySeries(deps: SnapshotDeps, userId: string, provider: SnapshotOwner["provider"], days: number, now: Date): Promise<DailyPoint[]> {
  const firstDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS;
  const rows = await deps.prisma.analyticsSnapshot.findMany({
    where: { userId, provider, kind: { in: ["account", "posts", "history"] }, capturedAt: { gte: new Date(firstDay), lte: now } },
    orderBy: { capturedAt: "asc" },
    select: { kind: true, capturedAt: true, data: true },
  });
  // The last snapshot of each day and kind (rows come oldest first); a history row is one per day already.
  const accounts = new Map<string, AccountSnapshot>();
  const posts = new Map<string, PostsSnapshot>();
  const history = new Map<string, DayFigures>();
  for (const row of rows) {
    const date = row.capturedAt.toISOString().slice(0, 10);
    if (row.kind === "account") {
      const parsed = SNAPSHOT_KINDS.account.safeParse(row.data);
      if (parsed.success) accounts.set(date, parsed.data);
    } else if (row.kind === "posts") {
      const parsed = SNAPSHOT_KINDS.posts.safeParse(row.data);
      if (parsed.success) posts.set(date, parsed.data);
    } else {
      const parsed = SNAPSHOT_KINDS.history.safeParse(row.data);
      if (parsed.success) history.set(parsed.data.date, parsed.data);
    }
  }
  return Array.from({ length: days }, (_, i) => {
    const date = new Date(firstDay + i * DAY_MS).toISOString().slice(0, 10);
    const account = accounts.get(date);
    const dayPosts = posts.get(date);
    const past = history.get(date);
    const postViews = past?.postViews ?? null;
    const postInteractions = past?.postInteractions ?? null;
    return {
      date,
      followers: account?.followers ?? null,
      ...(dayPosts ? engagementOf(dayPosts.posts) : { views: null, engagementRate: null }),
      accountViews: account?.views ?? null,
      newFollowers: past?.newFollowers ?? null,
      reach: past?.reach ?? null,
      postsPublished: past?.postsPublished ?? null,
      postViews,
      postInteractions,
      postEngagementRate: postViews && postInteractions !== null ? round4(postInteractions / postViews) : null,
    };
  });
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** Where the series comes from: the first observed day, the backfill's days, figures and read day (see SeriesSources). */
async function seriesSources(deps: SnapshotDeps, userId: string, provider: SnapshotOwner["provider"]): Promise<SeriesSources> {
  const [firstObserved, history] = await Promise.all([
    deps.prisma.analyticsSnapshot.findFirst({ where: { userId, provider, kind: "account" }, orderBy: { capturedAt: "asc" }, select: { capturedAt: true } }),
    // One row per past day the vendor gave: a few hundred at most (TikTok's oldest posts).
    deps.prisma.analyticsSnapshot.findMany({ where: { userId, provider, kind: "history" }, orderBy: { capturedAt: "asc" }, select: { capturedAt: true, createdAt: true, data: true } }),
  ]);
  const given = new Set<HistoryFigure>();
  for (const row of history) {
    const parsed = SNAPSHOT_KINDS.history.safeParse(row.data);
    if (parsed.success) for (const figure of HISTORY_FIGURES) if (parsed.data[figure] !== undefined) given.add(figure);
  }
  const [first, last] = [history[0], history.at(-1)];
  const readOn = history.reduce<Date | null>((latest, row) => (latest && latest > row.createdAt ? latest : row.createdAt), null);
  return {
    observedSince: firstObserved ? dayOf(firstObserved.capturedAt) : null,
    backfill: first && last && readOn ? { from: dayOf(first.capturedAt), to: dayOf(last.capturedAt), readOn: dayOf(readOn), figures: HISTORY_FIGURES.filter((f) => given.has(f)) } : null,
    notGivenByVendor: HISTORY_FIGURES.filter((figure) => !VENDOR_HISTORY[provider].includes(figure)),
  };
}

/**
 * Per connected platform: the latest account figures (Redis, else the database), a daily series over `days` (observed
 * and backfilled figures side by side) with where each comes from, the top posts of the latest posts snapshot (by
 * views, then engagement) and the last sync time.
 */
export async function readDashboard(deps: SnapshotDeps, userId: string, options: { days: number; topPosts?: number; now?: Date }): Promise<Dashboard> {
  const days = Math.min(Math.max(1, Math.floor(options.days)), 365);
  const now = options.now ?? new Date();
  const connections = await deps.prisma.socialConnection.findMany({
    where: { userId, status: { in: ["connected", "needs_attention"] } },
    orderBy: { provider: "asc" },
  });
  const onlyfansConnection = connections.find((c) => c.provider === "onlyfans");
  const onlyfans = onlyfansConnection ? await onlyfansDashboard(deps, onlyfansConnection, days, now) : null;
  const platforms = await Promise.all(
    connections.filter((c) => c.provider !== "onlyfans").map(async (connection): Promise<PlatformDashboard> => {
      const provider = connection.provider as SnapshotOwner["provider"];
      const [account, posts, series, sources] = await Promise.all([
        readLatest(deps, userId, provider, "account"),
        readLatest(deps, userId, provider, "posts"),
        dailySeries(deps, userId, provider, days, now),
        seriesSources(deps, userId, provider),
      ]);
      return {
        provider,
        status: connection.status === "connected" ? "connected" : "needs_attention",
        username: connection.username,
        lastSyncAt: connection.lastSyncAt?.toISOString() ?? null,
        lastErrorCode: connection.lastErrorCode,
        account: account ? { ...account.data, capturedAt: account.capturedAt } : null,
        series,
        sources,
        topPosts: posts ? topPostsOf(posts.data.posts, options.topPosts ?? 5) : [],
      };
    }),
  );
  return { days, platforms, onlyfans };
}

async function onlyfansDashboard(
  deps: SnapshotDeps,
  connection: { userId: string; status: string; lastSyncAt: Date | null; lastErrorCode: string | null },
  days: number,
  now: Date,
): Promise<OnlyFansDashboard> {
  const firstDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS;
  const [latest, rows] = await Promise.all([
    readLatest(deps, connection.userId, "onlyfans", "earnings"),
    deps.prisma.analyticsSnapshot.findMany({
      where: { userId: connection.userId, provider: "onlyfans", kind: "earnings", capturedAt: { gte: new Date(firstDay), lte: now } },
      orderBy: { capturedAt: "asc" },
      select: { capturedAt: true, data: true },
    }),
  ]);
  // The last reading of each day (rows come oldest first).
  const byDay = new Map<string, EarningsSnapshot>();
  for (const row of rows) {
    const parsed = SNAPSHOT_KINDS.earnings.safeParse(row.data);
    if (parsed.success) byDay.set(row.capturedAt.toISOString().slice(0, 10), parsed.data);
  }
  return {
    status: connection.status === "connected" ? "connected" : "needs_attention",
    lastSyncAt: connection.lastSyncAt?.toISOString() ?? null,
    lastErrorCode: connection.lastErrorCode,
    latest: latest ? { ...latest.data, capturedAt: latest.capturedAt } : null,
    series: Array.from({ length: days }, (_, i) => {
      const date = new Date(firstDay + i * DAY_MS).toISOString().slice(0, 10);
      const day = byDay.get(date);
      return { date, subscribers: day?.subscribers ?? null, earnings30dCents: day?.earnings30dCents ?? null };
    }),
  };
}
