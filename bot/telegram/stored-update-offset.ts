/**
 * The polling resume point kept in the store's key-value table (`telegram:poll`), shared by every
 * `start` on the database: the leader writes it, the next leader reads it (update-offset.ts).
 */
import type { Store } from '../../core/store/store.ts';
import { kvGet, kvPut } from '../../core/store/kv-repo.ts';
import type { ResumePoint, UpdateOffsetStore } from './update-offset.ts';

export const POLL_POINT_KEY = 'telegram:poll';

/** A stored value that is not a resume point (hand-edited, or from a future version): start afresh. */
function parsePoint(text: string | null): ResumePoint {
  if (text === null) return { offset: 0, done: [] };
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) {
      const { offset, done } = value as { offset?: unknown; done?: unknown };
      if (Number.isSafeInteger(offset) && Array.isArray(done) && done.every((id) => Number.isSafeInteger(id))) {
        return { offset: offset as number, done: done as number[] };
      }
    }
  } catch {
    // fall through
  }
  return { offset: 0, done: [] };
}

export function storedUpdateOffset(store: Store, now: () => number): UpdateOffsetStore {
  return {
    load: async () => parsePoint(await kvGet(store.db, POLL_POINT_KEY)),
    save: async (point) => {
      await store.transaction(async (tx) => await kvPut(tx, POLL_POINT_KEY, JSON.stringify(point), now()));
    },
  };
}
