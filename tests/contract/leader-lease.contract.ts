/**
 * The leader lease contract (ADR 0052): SQLite (`SqliteLeaderLease`, the process's clock) and
 * PostgreSQL (`PgLeaderLease`, the database's clock) pass the same suite. `pass(ms)` lets the
 * lease's clock move on: a fake clock on SQLite, real time on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaderLease } from '../../core/ports/leader-lease.ts';

export interface LeaderLeaseFixture {
  /** Two handles on one store (two processes would each have their own). */
  readonly a: LeaderLease;
  readonly b: LeaderLease;
  /** The TTL the suite uses; `pass(ttl + margin)` must expire a lease. */
  readonly ttlMs: number;
  pass(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

export function describeLeaderLeaseContract(name: string, open: () => Promise<LeaderLeaseFixture>): void {
  describe(`leader lease contract: ${name}`, () => {
    let f: LeaderLeaseFixture;
    beforeEach(async () => {
      f = await open();
    });
    afterEach(async () => f.cleanup());

    it('has one holder at a time: the second caller is told who leads', async () => {
      expect(await f.a.leader()).toBeNull();
      const first = await f.a.acquireOrRenew('p1', f.ttlMs);
      expect(first).toMatchObject({ type: 'leading', holder: 'p1' });
      expect(await f.b.acquireOrRenew('p2', f.ttlMs)).toMatchObject({ type: 'follower', holder: 'p1' });
      expect(await f.b.leader()).toMatchObject({ holder: 'p1' });
    });

    it('lets its holder renew, pushing the expiry on', async () => {
      const first = await f.a.acquireOrRenew('p1', f.ttlMs);
      await f.pass(f.ttlMs / 2);
      const renewed = await f.a.acquireOrRenew('p1', f.ttlMs);
      expect(renewed.type).toBe('leading');
      expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt);
      // Past the first expiry but within the renewed one: still p1's.
      await f.pass(f.ttlMs * 0.7);
      expect(await f.b.acquireOrRenew('p2', f.ttlMs)).toMatchObject({ type: 'follower', holder: 'p1' });
    });

    it('is taken over once it expired, and the stale holder cannot renew it', async () => {
      await f.a.acquireOrRenew('p1', f.ttlMs);
      await f.pass(f.ttlMs * 1.5);
      expect(await f.a.leader()).toBeNull();
      expect(await f.b.acquireOrRenew('p2', f.ttlMs)).toMatchObject({ type: 'leading', holder: 'p2' });
      expect(await f.a.acquireOrRenew('p1', f.ttlMs)).toMatchObject({ type: 'follower', holder: 'p2' });
      expect(await f.a.leader()).toMatchObject({ holder: 'p2' });
    });

    it('is free at once after its holder releases it; a non-holder cannot release it', async () => {
      await f.a.acquireOrRenew('p1', f.ttlMs);
      expect(await f.b.release('p2')).toBe(false);
      expect(await f.b.acquireOrRenew('p2', f.ttlMs)).toMatchObject({ type: 'follower' });
      expect(await f.a.release('p1')).toBe(true);
      expect(await f.a.leader()).toBeNull();
      expect(await f.b.acquireOrRenew('p2', f.ttlMs)).toMatchObject({ type: 'leading', holder: 'p2' });
    });

    it('gives the lease to exactly one of many callers racing for it', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? f.a : f.b).acquireOrRenew(`p${i}`, f.ttlMs)),
      );
      const leaders = outcomes.filter((o) => o.type === 'leading');
      expect(leaders).toHaveLength(1);
      for (const o of outcomes) expect(o.holder).toBe(leaders[0]!.holder);
    });
  });
}
