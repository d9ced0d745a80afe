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
    write(k, state) {
      const value = JSON.stringify(state);
      store.db
        .insert(kv)
        .values({ key: key(k), value, updatedAt: now() })
        .onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: now() } })
        .run();
    },
    delete(k) {
      store.db.delete(kv).where(eq(kv.key, key(k))).run();
    },
  };
}
