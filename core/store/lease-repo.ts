/** Named leases (the per-project merge lease): one holder at a time; an expired one is reclaimed. */
import { eq } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { leases } from './schema.ts';

export type LeaseOutcome = { type: 'acquired' } | { type: 'busy'; holder: string; expiresAt: number };

/** Take or renew `name` for `holder`. Run inside an immediate transaction. */
export async function acquireLease(
  tx: Tx,
  name: string,
  holder: string,
  ttlMs: number,
  now: number,
): Promise<LeaseOutcome> {
  const current = tx.db.select().from(leases).where(eq(leases.name, name)).get();
  if (current && current.holder !== holder && current.expiresAt > now) {
    return { type: 'busy', holder: current.holder, expiresAt: current.expiresAt };
  }
  tx.db
    .insert(leases)
    .values({ name, holder, expiresAt: now + ttlMs, acquiredAt: now })
    .onConflictDoUpdate({
      target: leases.name,
      set: {
        holder,
        expiresAt: now + ttlMs,
        acquiredAt: current?.holder === holder ? current.acquiredAt : now,
      },
    })
    .run();
  return { type: 'acquired' };
}

/** Release `name` if `holder` holds it. */
export async function releaseLease(tx: Tx, name: string, holder: string): Promise<void> {
  const current = tx.db.select().from(leases).where(eq(leases.name, name)).get();
  if (current?.holder === holder) tx.db.delete(leases).where(eq(leases.name, name)).run();
}

export async function listLeases(reader: Reader): Promise<(typeof leases.$inferSelect)[]> {
  const db = readerDb(reader);
  return db.select().from(leases).all();
}

/** A named lease row. */
export interface LeaseRow {
  name: string;
  holder: string;
  expiresAt: number;
  acquiredAt: number;
}

/** Lease reads of the store port. */
export interface LeaseReads {
  get(name: string): Promise<LeaseRow | null>;
  list(): Promise<LeaseRow[]>;
}

/** Lease writes of the store port. */
export interface LeaseWrites {
  /** Insert or replace the row of `row.name`. */
  put(row: LeaseRow): Promise<void>;
  /** Set the expiry if `holder` holds `name`; false when it does not. */
  renew(name: string, holder: string, expiresAt: number): Promise<boolean>;
  /** Delete `name` if `holder` holds it; false when it does not. */
  release(name: string, holder: string): Promise<boolean>;
  /** Delete `name` whoever holds it. */
  drop(name: string): Promise<void>;
}
