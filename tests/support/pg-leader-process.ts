/**
 * A small `start` stand-in contending for the leader lease on PostgreSQL, for the multi-process
 * test and the failover benchmark. Run: `node --import tsx tests/support/pg-leader-process.ts` with
 *   LP_URL      database URL (migrated; the caller created `lp_terms`, see below)
 *   LP_HOLDER   holder id
 *   LP_TTL_MS   lease TTL (default 15000)
 *   LP_ACT_MS   how often the leader acts (default 100)
 * While it leads it "acts" every LP_ACT_MS (the singletons' stand-in): each leadership term is one
 * `lp_terms` row (holder, started_at = its first action, last_action_at, ended_at when lost), all
 * on this machine's clock, so a test can check that no two terms overlap and time a takeover.
 * Prints `started` once connected.
 */
import { openPgPool } from '../../adapters/store-postgres/pg-database.ts';
import { PgLeaderLease } from '../../adapters/store-postgres/pg-leader-lease.ts';
import { LeaderLoop } from '../../core/leader/leader-loop.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';

const url = process.env.LP_URL ?? '';
const holder = process.env.LP_HOLDER ?? `leader-${process.pid}`;
const ttlMs = Number(process.env.LP_TTL_MS ?? 15_000);
const actMs = Number(process.env.LP_ACT_MS ?? 100);

const pool = openPgPool(url, 4);
const loop = new LeaderLoop({ lease: new PgLeaderLease(pool), holder, ttlMs, clock: systemClock, logger: silentLogger });
let term: number | null = null;
let acting: NodeJS.Timeout | null = null;

/** One action while leading: the term's row says when (a leader's first action opens its term). */
async function act(): Promise<void> {
  const at = Date.now();
  if (!loop.isLeading() || term === null) return;
  await pool.query('UPDATE lp_terms SET last_action_at = $2 WHERE id = $1', [term, at]);
}

const tick = (): void => {
  act().catch((error: unknown) => console.error(`acting failed: ${String(error)}`));
};

loop.onGained(async () => {
  const at = Date.now();
  const row = await pool.query<{ id: number }>('INSERT INTO lp_terms (holder, started_at, last_action_at) VALUES ($1, $2, $2) RETURNING id', [holder, at]);
  term = row.rows[0]!.id;
  acting = setInterval(tick, actMs);
});
loop.onLost(async () => {
  if (acting) clearInterval(acting);
  acting = null;
  const ended = term;
  term = null;
  if (ended !== null) await pool.query('UPDATE lp_terms SET ended_at = $2 WHERE id = $1', [ended, Date.now()]);
});

async function main(): Promise<void> {
  await pool.query('SELECT 1');
  console.log('started');
  await loop.start();
  process.once('SIGTERM', () => {
    void loop.stop().then(() => pool.end()).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
