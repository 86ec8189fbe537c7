// The one lease every worker uses so that any number of processes never do the same work twice: taken with SET NX
// and a time to live (a crashed holder's lease runs out by itself), renewed and released only by its owner, so a
// holder that outlived its lease never frees or extends the lease someone else has taken since.
import { randomUUID } from "node:crypto";
import type { KeyValueStore } from "./kv";

export interface Lease {
  readonly key: string;
  readonly owner: string;
  /** Extends the lease by its full time to live; false when it is no longer ours (it ran out and was taken). */
  renew(): Promise<boolean>;
  /** Frees the lease if it is still ours; never throws (an unreachable store lets it run out by itself). */
  release(): Promise<void>;
}

export interface LeaseOptions {
  ttlSeconds: number;
  /** Who holds it (a worker id, for logs and for readers of the key); a fresh random id by default. */
  owner?: string;
}

export async function acquireLease(store: KeyValueStore, key: string, options: LeaseOptions): Promise<Lease | null> {
  const owner = options.owner ?? randomUUID();
  if (!(await store.setIfAbsent(key, owner, options.ttlSeconds))) return null;
  return {
    key,
    owner,
    renew: () => store.expireIfEquals(key, owner, options.ttlSeconds),
    release: async () => {
      await store.deleteIfEquals(key, owner).catch(() => undefined);
    },
  };
}

export interface HeldLeaseOptions extends LeaseOptions {
  /** Renews the lease this often while `work` runs (default: a third of its time to live). */
  renewEveryMs?: number;
  /** Runs with each renewal (a heartbeat of the work itself); its failure is ignored like a failed renewal. */
  onRenew?: () => Promise<unknown>;
}

export type LeasedResult<T> = { leased: true; value: T } | { leased: false };

/**
 * Runs `work` under the lease (renewed while it runs, released after, also on failure); `{ leased: false }` without
 * running it when another holder has the lease.
 */
export async function withLease<T>(store: KeyValueStore, key: string, options: HeldLeaseOptions, work: (lease: Lease) => Promise<T>): Promise<LeasedResult<T>> {
  const lease = await acquireLease(store, key, options);
  if (!lease) return { leased: false };
  return { leased: true, value: await holdWhile(lease, options, () => work(lease)) };
}

/** Keeps an already acquired lease renewed while `work` runs, then releases it. */
export async function holdWhile<T>(lease: Lease, options: Omit<HeldLeaseOptions, "owner">, work: () => Promise<T>): Promise<T> {
  const beat = async () => {
    await lease.renew().catch(() => false);
    if (options.onRenew) await options.onRenew().catch(() => undefined);
  };
  const timer = setInterval(() => void beat(), options.renewEveryMs ?? (options.ttlSeconds * 1000) / 3);
  try {
    // The lease is fresh (just acquired); the work's own heartbeat starts with it.
    if (options.onRenew) await options.onRenew().catch(() => undefined);
    return await work();
  } finally {
    clearInterval(timer);
    await lease.release();
  }
}
