/** The key-value table on the portable drizzle subset (see portable-db.ts). */
import { eq, sql } from 'drizzle-orm';
import type { KvReads, KvWrites } from '../../core/store/kv-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlKvReads(db: PortableDb, { kv }: Tables): KvReads {
  return {
    async get(key) {
      return first(await db.select({ value: kv.value }).from(kv).where(eq(kv.key, key)))?.value ?? null;
    },
    async withPrefix(prefix) {
      // SUBSTR, not LIKE: no pattern characters in the prefix, and the same in both dialects.
      return await db
        .select({ key: kv.key, value: kv.value })
        .from(kv)
        .where(sql`SUBSTR(${kv.key}, 1, ${prefix.length}) = ${prefix}`);
    },
  };
}

export function sqlKvWrites(db: PortableDb, { kv }: Tables): KvWrites {
  return {
    async put(key, value, now) {
      await db.insert(kv).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: now } });
    },
    async delete(key) {
      await db.delete(kv).where(eq(kv.key, key));
    },
  };
}
