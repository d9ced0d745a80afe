/** Named leases (the per-project merge lease): one holder at a time; an expired one is reclaimed. */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { leases } from './schema.ts';

export type LeaseOutcome = { type: 'acquired' } | { type: 'busy'; holder: string; expiresAt: number };

/** Take or renew `name` for `holder`. Run inside an immediate transaction. */
export function acquireLease(tx: Tx, name: string, holder: string, ttlMs: number, now: number): LeaseOutcome {
  const current = tx.select().from(leases).where(eq(leases.name, name)).get();
  if (current && current.holder !== holder && current.expiresAt > now) {
    return { type: 'busy', holder: current.holder, expiresAt: current.expiresAt };
  }
  tx.insert(leases)
    .values({ name, holder, expiresAt: now + ttlMs, acquiredAt: now })
    .onConflictDoUpdate({ target: leases.name, set: { holder, expiresAt: now + ttlMs, acquiredAt: current?.holder === holder ? current.acquiredAt : now } })
    .run();
  return { type: 'acquired' };
}

/** Release `name` if `holder` holds it. */
export function releaseLease(tx: Tx, name: string, holder: string): void {
  const current = tx.select().from(leases).where(eq(leases.name, name)).get();
  if (current?.holder === holder) tx.delete(leases).where(eq(leases.name, name)).run();
}

export function listLeases(db: Db): (typeof leases.$inferSelect)[] {
  return db.select().from(leases).all();
}
