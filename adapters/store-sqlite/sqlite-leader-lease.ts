/**
 * The leader lease on SQLite: the `leases` row named {@link LEADER_LEASE_NAME}, taken or renewed in
 * one write transaction with this process's clock (one SQLite file has one host, so there is no
 * clock skew to guard against). A second `start` on one file is refused by the instance lock
 * anyway; here the single `start` simply leads.
 */
import type { Clock } from '../../core/ports/clock.ts';
import { LEADER_LEASE_NAME, type LeaderHold, type LeaderLease, type LeaderOutcome } from '../../core/ports/leader-lease.ts';
import type { Store } from '../../core/store/store.ts';

/**
 * Drop the leader row whoever holds it. Only for a process that holds the instance lock of this
 * file (app/instance.ts): no other `start` lives on it, so a row left by a killed one is stale and
 * the restarted `start` leads at once instead of after the TTL.
 */
export async function forgetLeader(store: Store): Promise<void> {
  await store.transaction(async (tx) => await tx.write.leases.drop(LEADER_LEASE_NAME));
}

export class SqliteLeaderLease implements LeaderLease {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async acquireOrRenew(holder: string, ttlMs: number): Promise<LeaderOutcome> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const current = await tx.read.leases.get(LEADER_LEASE_NAME);
      if (current && current.holder !== holder && current.expiresAt > now)
        return { type: 'follower', holder: current.holder, expiresAt: current.expiresAt };
      const expiresAt = now + ttlMs;
      const acquiredAt = current?.holder === holder && current.expiresAt > now ? current.acquiredAt : now;
      await tx.write.leases.put({ name: LEADER_LEASE_NAME, holder, expiresAt, acquiredAt });
      return { type: 'leading', holder, expiresAt };
    });
  }

  async release(holder: string): Promise<boolean> {
    return this.store.transaction(async (tx) => await tx.write.leases.release(LEADER_LEASE_NAME, holder));
  }

  async leader(): Promise<LeaderHold | null> {
    const row = await this.store.db.read.leases.get(LEADER_LEASE_NAME);
    return row && row.expiresAt > this.clock.now() ? { holder: row.holder, expiresAt: row.expiresAt } : null;
  }
}
