/** The outbox on the portable drizzle subset (see portable-db.ts). */
import { and, asc, eq, gt, isNotNull, lte, min, sql } from 'drizzle-orm';
import type { OutboxReads, OutboxWrites } from '../../core/store/outbox-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlOutboxReads(db: PortableDb, { outbox }: Tables): OutboxReads {
  return {
    async pending(now, limit) {
      return await db
        .select()
        .from(outbox)
        .where(and(eq(outbox.state, 'pending'), lte(outbox.availableAt, now)))
        .orderBy(asc(outbox.id))
        .limit(limit);
    },
    async hasPendingCard(taskId) {
      const rows = await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.kind, 'card'), eq(outbox.taskId, taskId), eq(outbox.state, 'pending')))
        .limit(1);
      return rows.length > 0;
    },
    async cardSendStarted(taskId) {
      const rows = await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.taskId, taskId), eq(outbox.kind, 'card'), eq(outbox.state, 'pending'), isNotNull(outbox.sendStartedAt)))
        .limit(1);
      return rows.length > 0;
    },
    async firstWaiting(now) {
      const rows = await db
        .select({ taskId: outbox.taskId, first: min(outbox.id) })
        .from(outbox)
        .where(and(eq(outbox.state, 'pending'), gt(outbox.availableAt, now)))
        .groupBy(outbox.taskId);
      return rows.flatMap((r) => (r.first === null ? [] : [{ taskId: r.taskId, first: Number(r.first) }]));
    },
  };
}

export function sqlOutboxWrites(db: PortableDb, { outbox }: Tables): OutboxWrites {
  return {
    async add(kind, taskId, payload, now) {
      await db.insert(outbox).values({ kind, taskId, payload, state: 'pending', availableAt: now, createdAt: now });
    },
    async markDone(id, now) {
      await db.update(outbox).set({ state: 'done', doneAt: now }).where(eq(outbox.id, id));
    },
    async markCardsDone(taskId, upToId, now) {
      await db
        .update(outbox)
        .set({ state: 'done', doneAt: now })
        .where(and(eq(outbox.kind, 'card'), eq(outbox.taskId, taskId), eq(outbox.state, 'pending'), lte(outbox.id, upToId)));
    },
    async markSending(id, now) {
      await db.update(outbox).set({ sendStartedAt: now }).where(eq(outbox.id, id));
    },
    async markRetry(id, error, availableAt) {
      await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, error, availableAt, sendStartedAt: null })
        .where(eq(outbox.id, id));
    },
    async noteError(id, error) {
      await db.update(outbox).set({ error }).where(eq(outbox.id, id));
    },
    async markDead(id, error, now) {
      await db.update(outbox).set({ state: 'dead', error, doneAt: now }).where(eq(outbox.id, id));
    },
  };
}
