/**
 * The leader lease on SQLite: the `leases` row named {@link LEADER_LEASE_NAME}, taken or renewed in
 * one write transaction with this process's clock (one SQLite file has one host, so there is no
 * clock skew to guard against). A second `start` on one file is refused by the instance lock
 * anyway; here the single `start` simply leads.
 */
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../ports/clock.ts';
import { LEADER_LEASE_NAME, type LeaderHold, type LeaderLease, type LeaderOutcome } from '../ports/leader-lease.ts';
import type { Store } from './database.ts';
import { leases } from './schema.ts';

/**
 * Drop the leader row whoever holds it. Only for a process that holds the instance lock of this
 * file (app/instance.ts): no other `start` lives on it, so a row left by a killed one is stale and
 * the restarted `start` leads at once instead of after the TTL.
 */
export async function forgetLeader(store: Store): Promise<void> {
  await store.transaction(async (tx) => void tx.db.delete(leases).where(eq(leases.name, LEADER_LEASE_NAME)).run());
}

export class SqliteLeaderLease implements LeaderLease {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async acquireOrRenew(holder: string, ttlMs: number): Promise<LeaderOutcome> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const current = tx.db.select().from(leases).where(eq(leases.name, LEADER_LEASE_NAME)).get();
      if (current && current.holder !== holder && current.expiresAt > now)
        return { type: 'follower', holder: current.holder, expiresAt: current.expiresAt };
      const expiresAt = now + ttlMs;
      const acquiredAt = current?.holder === holder && current.expiresAt > now ? current.acquiredAt : now;
      tx.db
        .insert(leases)
        .values({ name: LEADER_LEASE_NAME, holder, expiresAt, acquiredAt })
        .onConflictDoUpdate({ target: leases.name, set: { holder, expiresAt, acquiredAt } })
        .run();
      return { type: 'leading', holder, expiresAt };
    });
  }

  async release(holder: string): Promise<boolean> {
    return this.store.transaction(
      async (tx) => tx.db.delete(leases).where(and(eq(leases.name, LEADER_LEASE_NAME), eq(leases.holder, holder))).run().changes === 1,
    );
  }

  async leader(): Promise<LeaderHold | null> {
    const row = this.store.db.select().from(leases).where(eq(leases.name, LEADER_LEASE_NAME)).get();
    return row && row.expiresAt > this.clock.now() ? { holder: row.holder, expiresAt: row.expiresAt } : null;
  }
}
