/**
 * Conversation state in the store's `kv` table, so a conversation (the reject reason) survives a
 * restart. Keys are namespaced `conversation:<chat>:<user>`.
 */
import type { VersionedStateStorage } from '@grammyjs/conversations';
import type { Store } from '../../core/store/store.ts';
import { kvDelete, kvGet, kvPut } from '../../core/store/kv-repo.ts';

type Versioned<S> = Parameters<VersionedStateStorage<string, S>['write']>[1];

export function kvConversationStorage<S>(store: Store, now: () => number): VersionedStateStorage<string, S> {
  const key = (k: string) => `conversation:${k}`;
  return {
    async read(k) {
      const value = await kvGet(store.db, key(k));
      return value !== null ? (JSON.parse(value) as Versioned<S>) : undefined;
    },
    async write(k, state) {
      const value = JSON.stringify(state);
      await store.transaction(async (tx) => await kvPut(tx, key(k), value, now()));
    },
    async delete(k) {
      await store.transaction(async (tx) => await kvDelete(tx, key(k)));
    },
  };
}
