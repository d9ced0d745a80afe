/**
 * The leader lease (issue 12, ADR 0052): one `conveyor start` process among several leads and runs
 * the singletons (Telegram polling, the outbox drain, the reconciler). The lease is a row in the
 * database with an expiry; its holder renews it well within the TTL, and once it expires (the holder
 * died or lost the database) the next caller takes it.
 */

/** The lease row's name in the `leases` table, the same in every store. */
export const LEADER_LEASE_NAME = 'leader';

/** Who holds the lease and until when (ms since the epoch, on the clock that decides expiry). */
export interface LeaderHold {
  readonly holder: string;
  readonly expiresAt: number;
}

/** What an acquire-or-renew came to. */
export type LeaderOutcome =
  /** `holder` leads until `expiresAt` (taken now, or renewed). */
  | ({ readonly type: 'leading' } & LeaderHold)
  /** Another holder's lease is still live. */
  | ({ readonly type: 'follower' } & LeaderHold);

/** The lease itself: one atomic step per call; the implementation's clock decides expiry. */
export interface LeaderLease {
  /** Take the lease for `holder` when it is free, expired or already `holder`'s, for `ttlMs` from now. */
  acquireOrRenew(holder: string, ttlMs: number): Promise<LeaderOutcome>;
  /** Give the lease up if `holder` holds it; true when it did. */
  release(holder: string): Promise<boolean>;
  /** The live holder, or null when nobody leads (no row, or it expired). */
  leader(): Promise<LeaderHold | null>;
}
