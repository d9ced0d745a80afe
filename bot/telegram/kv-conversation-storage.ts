/**
 * Conversation state in the store's `kv` table, so a conversation (the reject reason) survives a
 * restart. Keys are namespaced `conversation:<chat>:<user>`.
 */
import type { VersionedStateStorage } from '@grammyjs/conversations';
import { eq } from 'drizzle-orm';
import type { Store } from '../../core/store/database.ts';
import { kv } from '../../core/store/schema.ts';

type Versioned<S> = Parameters<VersionedStateStorage<string, S>['write']>[1];

export function kvConversationStorage<S>(store: Store, now: () => number): VersionedStateStorage<string, S> {
  const key = (k: string) => `conversation:${k}`;
  return {
    read(k) {
      const row = store.db.select().from(kv).where(eq(kv.key, key(k))).get();
      return row ? (JSON.parse(row.value) as Versioned<S>) : undefined;
    },
    async write(k, state) {
      const value = JSON.stringify(state);
      await store.transaction(async (tx) => {
        tx.db
          .insert(kv)
          .values({ key: key(k), value, updatedAt: now() })
          .onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: now() } })
          .run();
      });
    },
    async delete(k) {
      await store.transaction(async (tx) => {
        tx.db.delete(kv).where(eq(kv.key, key(k))).run();
      });
    },
  };
}
