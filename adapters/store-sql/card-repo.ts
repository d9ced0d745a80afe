/** Card rows on the portable drizzle subset (see portable-db.ts). */
import { eq } from 'drizzle-orm';
import type { CardReads, CardWrites } from '../../core/store/card-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlCardReads(db: PortableDb, { cards }: Tables): CardReads {
  return {
    async get(taskId) {
      return first(await db.select().from(cards).where(eq(cards.taskId, taskId)));
    },
  };
}

export function sqlCardWrites(db: PortableDb, { cards }: Tables): CardWrites {
  return {
    async save(row) {
      await db
        .insert(cards)
        .values(row)
        .onConflictDoUpdate({
          target: cards.taskId,
          set: { chatId: row.chatId, messageId: row.messageId, lastRenderHash: row.lastRenderHash, updatedAt: row.updatedAt },
        });
    },
    async saveHash(taskId, chatId, hash, now) {
      await db
        .insert(cards)
        .values({ taskId, chatId, messageId: null, lastRenderHash: hash, updatedAt: now })
        .onConflictDoUpdate({ target: cards.taskId, set: { lastRenderHash: hash, updatedAt: now } });
    },
  };
}
