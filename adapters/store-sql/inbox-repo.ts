/** The webhook inbox on the portable drizzle subset (see portable-db.ts). */
import { and, asc, count, eq, gt, isNotNull, isNull, lte } from 'drizzle-orm';
import { PermanentError } from '../../core/errors.ts';
import type { InboxReads, InboxWrites } from '../../core/store/inbox-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlInboxReads(db: PortableDb, { inbox }: Tables): InboxReads {
  const countWhere = async (where: ReturnType<typeof and>): Promise<number> =>
    first(await db.select({ n: count() }).from(inbox).where(where))?.n ?? 0;
  return {
    async pending(now, limit) {
      return await db
        .select()
        .from(inbox)
        .where(and(isNull(inbox.processedAt), lte(inbox.availableAt, now)))
        .orderBy(asc(inbox.id))
        .limit(limit);
    },
    async attempts(id) {
      return first(await db.select({ attempts: inbox.attempts }).from(inbox).where(eq(inbox.id, id)))?.attempts ?? null;
    },
    async counts() {
      return {
        pending: await countWhere(and(isNull(inbox.processedAt), eq(inbox.attempts, 0))),
        retrying: await countWhere(and(isNull(inbox.processedAt), gt(inbox.attempts, 0))),
        processed: await countWhere(and(isNotNull(inbox.processedAt))),
      };
    },
  };
}

export function sqlInboxWrites(db: PortableDb, { inbox }: Tables): InboxWrites {
  return {
    async insert(delivery) {
      const inserted = first(
        await db
          .insert(inbox)
          .values({
            source: delivery.source,
            deliveryId: delivery.deliveryId,
            event: delivery.event,
            payload: delivery.payload,
            receivedAt: delivery.now,
            availableAt: delivery.now,
            processedAt: delivery.processed ? delivery.now : null,
          })
          .onConflictDoNothing({ target: [inbox.source, inbox.deliveryId] })
          .returning({ id: inbox.id }),
      );
      if (inserted) return { type: 'stored', id: inserted.id };
      const existing = first(
        await db
          .select({ id: inbox.id })
          .from(inbox)
          .where(and(eq(inbox.source, delivery.source), eq(inbox.deliveryId, delivery.deliveryId))),
      );
      // The conflicting row is committed (the writer that inserted it held the row first), so it is found.
      if (!existing)
        throw new PermanentError(`storing delivery ${delivery.source}/${delivery.deliveryId}: conflict without a row`);
      return { type: 'duplicate', id: existing.id };
    },
    async markProcessed(id, now) {
      // Only an unprocessed row: on PostgreSQL the update waits for a concurrent processor's
      // transaction on the row, and fails to serialize (and is run again) once that one committed.
      const marked = await db
        .update(inbox)
        .set({ processedAt: now, error: null })
        .where(and(eq(inbox.id, id), isNull(inbox.processedAt)))
        .returning({ id: inbox.id });
      return marked.length > 0;
    },
    async retryLater(id, attempts, availableAt, error) {
      const updated = await db
        .update(inbox)
        .set({ attempts, availableAt, error })
        .where(and(eq(inbox.id, id), isNull(inbox.processedAt)))
        .returning({ id: inbox.id });
      return updated.length > 0;
    },
  };
}
