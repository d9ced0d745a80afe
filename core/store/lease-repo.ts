/** Named leases (the per-project merge lease): one holder at a time; an expired one is reclaimed. */
import type { Reader, Tx } from './store.ts';

export type LeaseOutcome = { type: 'acquired' } | { type: 'busy'; holder: string; expiresAt: number };

/** Take or renew `name` for `holder`. */
export async function acquireLease(tx: Tx, name: string, holder: string, ttlMs: number, now: number): Promise<LeaseOutcome> {
  const current = await tx.read.leases.get(name);
  if (current && current.holder !== holder && current.expiresAt > now) {
    return { type: 'busy', holder: current.holder, expiresAt: current.expiresAt };
  }
  const acquiredAt = current?.holder === holder ? current.acquiredAt : now;
  await tx.write.leases.put({ name, holder, expiresAt: now + ttlMs, acquiredAt });
  return { type: 'acquired' };
}

/** Release `name` if `holder` holds it. */
export async function releaseLease(tx: Tx, name: string, holder: string): Promise<void> {
  await tx.write.leases.release(name, holder);
}

export async function listLeases(reader: Reader): Promise<LeaseRow[]> {
  return await reader.read.leases.list();
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
