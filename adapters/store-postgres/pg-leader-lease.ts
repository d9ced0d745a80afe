/**
 * The leader lease on PostgreSQL: the `leases` row named `leader`, taken or renewed by one atomic
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired OR same holder RETURNING`. Expiry is computed from
 * the database's clock, never the caller's, so processes on machines whose clocks disagree still
 * agree on when a lease ran out (ADR 0052).
 */
import type pg from 'pg';
import { LEADER_LEASE_NAME, type LeaderHold, type LeaderLease, type LeaderOutcome } from '../../core/ports/leader-lease.ts';
import { pgCall } from './pg-errors.ts';

/** The database's time in ms; clock_timestamp(), not now(): a statement's own time, not its transaction's. */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

const ACQUIRE = `INSERT INTO leases AS l (name, holder, expires_at, acquired_at)
    VALUES ($1, $2, ${DB_NOW} + $3, ${DB_NOW})
  ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE EXCLUDED.acquired_at END
    WHERE l.holder = EXCLUDED.holder OR l.expires_at <= ${DB_NOW}
  RETURNING holder, expires_at AS "expiresAt"`;

const CURRENT = `SELECT holder, expires_at AS "expiresAt", expires_at > ${DB_NOW} AS live FROM leases WHERE name = $1`;

export class PgLeaderLease implements LeaderLease {
  constructor(private readonly pool: pg.Pool) {}

  async acquireOrRenew(holder: string, ttlMs: number): Promise<LeaderOutcome> {
    const taken = await pgCall('taking the leader lease', () =>
      this.pool.query<{ holder: string; expiresAt: string }>(ACQUIRE, [LEADER_LEASE_NAME, holder, Math.round(ttlMs)]),
    );
    const row = taken.rows[0];
    if (row) return { type: 'leading', holder: row.holder, expiresAt: Number(row.expiresAt) };
    // Refused: a live lease of another holder. Reading it may find it just expired or released;
    // saying "follower" then is still true of this attempt, and the next one takes it.
    const current = await this.current();
    return { type: 'follower', holder: current?.holder ?? '', expiresAt: current?.expiresAt ?? 0 };
  }

  async release(holder: string): Promise<boolean> {
    const result = await pgCall('releasing the leader lease', () =>
      this.pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [LEADER_LEASE_NAME, holder]),
    );
    return result.rowCount === 1;
  }

  async leader(): Promise<LeaderHold | null> {
    const current = await this.current();
    return current?.live ? { holder: current.holder, expiresAt: current.expiresAt } : null;
  }

  private async current(): Promise<(LeaderHold & { live: boolean }) | null> {
    const result = await pgCall('reading the leader lease', () =>
      this.pool.query<{ holder: string; expiresAt: string; live: boolean }>(CURRENT, [LEADER_LEASE_NAME]),
    );
    const row = result.rows[0];
    return row ? { holder: row.holder, expiresAt: Number(row.expiresAt), live: row.live } : null;
  }
}
