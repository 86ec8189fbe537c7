// What an AnalyticsSnapshot's `data` holds, per kind: the figures Social reads from each platform; the dashboard
// and the summarizer read them back through the same schemas.
import { accountSnapshot, dayFigures, earningsSnapshot, postsSnapshot } from "@/src/social";

/**
 * `account`, `posts` and `earnings` are observed: read at `capturedAt`. `history` rows are backfilled: one per past
 * UTC day a vendor gave back in time (`capturedAt` = that day's midnight UTC), written once by the backfill job.
 */
export const SNAPSHOT_KINDS = { account: accountSnapshot, posts: postsSnapshot, earnings: earningsSnapshot, history: dayFigures } as const;
export type SnapshotKind = keyof typeof SNAPSHOT_KINDS;

/** One snapshot per connection, kind and hour: two collections racing write the same key once. */
export function snapshotDedupeKey(connectionId: string, kind: SnapshotKind, capturedAt: Date): string {
  return `${connectionId}:${kind}:${capturedAt.toISOString().slice(0, 13)}`;
}
