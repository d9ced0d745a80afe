/** Approvals on the portable drizzle subset (see portable-db.ts). */
import { and, desc, eq } from 'drizzle-orm';
import type { ApprovalReads, ApprovalWrites } from '../../core/store/approval-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlApprovalReads(db: PortableDb, { approvals }: Tables): ApprovalReads {
  return {
    async get(id) {
      return first(await db.select().from(approvals).where(eq(approvals.id, id)));
    },
    async pending(taskId, gate) {
      return first(
        await db
          .select()
          .from(approvals)
          .where(and(eq(approvals.taskId, taskId), eq(approvals.gate, gate), eq(approvals.state, 'pending')))
          .orderBy(desc(approvals.round))
          .limit(1),
      );
    },
    async has(taskId, gate) {
      const rows = await db
        .select({ id: approvals.id })
        .from(approvals)
        .where(and(eq(approvals.taskId, taskId), eq(approvals.gate, gate)))
        .limit(1);
      return rows.length > 0;
    },
  };
}

export function sqlApprovalWrites(db: PortableDb, { approvals }: Tables): ApprovalWrites {
  return {
    async insert(row) {
      const rows = await db.insert(approvals).values(row).onConflictDoNothing().returning({ id: approvals.id });
      return rows.length === 1;
    },
    async decide(id, state, by, byName, reason, now) {
      const rows = await db
        .update(approvals)
        .set({ state, decidedBy: by, decidedByName: byName, decidedAt: now, reason })
        .where(and(eq(approvals.id, id), eq(approvals.state, 'pending')))
        .returning({ id: approvals.id });
      return rows.length === 1;
    },
    async setMessage(id, chatId, messageId) {
      await db.update(approvals).set({ chatId, messageId }).where(eq(approvals.id, id));
    },
  };
}
