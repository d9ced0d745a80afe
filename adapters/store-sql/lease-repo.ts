/** Named leases on the portable drizzle subset (see portable-db.ts). */
import { and, eq } from 'drizzle-orm';
import type { LeaseReads, LeaseWrites } from '../../core/store/lease-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlLeaseReads(db: PortableDb, { leases }: Tables): LeaseReads {
  return {
    async get(name) {
      return first(await db.select().from(leases).where(eq(leases.name, name)));
    },
    async list() {
      return await db.select().from(leases);
    },
  };
}

export function sqlLeaseWrites(db: PortableDb, { leases }: Tables): LeaseWrites {
  return {
    async put(row) {
      await db
        .insert(leases)
        .values(row)
        .onConflictDoUpdate({ target: leases.name, set: { holder: row.holder, expiresAt: row.expiresAt, acquiredAt: row.acquiredAt } });
    },
    async renew(name, holder, expiresAt) {
      const rows = await db
        .update(leases)
        .set({ expiresAt })
        .where(and(eq(leases.name, name), eq(leases.holder, holder)))
        .returning({ name: leases.name });
      return rows.length === 1;
    },
    async release(name, holder) {
      const rows = await db
        .delete(leases)
        .where(and(eq(leases.name, name), eq(leases.holder, holder)))
        .returning({ name: leases.name });
      return rows.length === 1;
    },
    async drop(name) {
      await db.delete(leases).where(eq(leases.name, name));
    },
  };
}
