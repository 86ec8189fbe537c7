import type { AccountSnapshot, PostFigures, PostsSnapshot } from "@/src/social/figures";

/** What a collector returns for one connection: both snapshot kinds, already validated. */
export interface CollectedSnapshots {
  account: AccountSnapshot;
  posts: PostsSnapshot;
  /** Posts read from the platform in this run (the rest were carried over from the last snapshot). */
  fetchedPosts: number;
}

export interface CollectorInput {
  accessToken: string;
  /** The last posts snapshot of this connection, if any: what makes the collection incremental. */
  previousPosts?: PostsSnapshot | null;
  now: Date;
}

/** A posts snapshot keeps the most recent posts only; older ones stop moving and only grow the row. */
export const MAX_POSTS_PER_SNAPSHOT = 100;

export function trimTitle(text: string | undefined): string {
  return (text ?? "").trim().slice(0, 200);
}

/** Fresh figures win over carried-over ones; newest first, capped. */
export function mergePosts(previous: PostFigures[], fresh: PostFigures[]): PostFigures[] {
  const byId = new Map(previous.map((p) => [p.id, p]));
  for (const post of fresh) byId.set(post.id, post);
  return [...byId.values()].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt)).slice(0, MAX_POSTS_PER_SNAPSHOT);
}
