/** Approval requests and their single decision. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { approvals } from './schema.ts';

export type ApprovalRow = typeof approvals.$inferSelect;

export function insertApproval(tx: Tx, row: Omit<ApprovalRow, 'decidedBy' | 'decidedByName' | 'decidedAt' | 'reason' | 'chatId' | 'messageId'>): void {
  tx.insert(approvals).values(row).onConflictDoNothing().run();
}

export function getApproval(db: Db, id: string): ApprovalRow | null {
  return db.select().from(approvals).where(eq(approvals.id, id)).get() ?? null;
}

/** The newest pending approval of a task for a gate. */
export function pendingApproval(db: Db, taskId: string, gate: string): ApprovalRow | null {
  return (
    db
      .select()
      .from(approvals)
      .where(and(eq(approvals.taskId, taskId), eq(approvals.gate, gate), eq(approvals.state, 'pending')))
      .orderBy(desc(approvals.round))
      .get() ?? null
  );
}

/** Whether the task ever had an approval for `gate` (a BRD approval means 01-brd.md passed its gate). */
export function hasApproval(db: Db, taskId: string, gate: string): boolean {
  return db.select({ id: approvals.id }).from(approvals).where(and(eq(approvals.taskId, taskId), eq(approvals.gate, gate))).get() !== undefined;
}

/** Record the decision if still pending; false when someone decided first. */
export function decideApproval(tx: Tx, id: string, state: 'approved' | 'rejected', by: string, byName: string, reason: string | null, now: number): boolean {
  const result = tx
    .update(approvals)
    .set({ state, decidedBy: by, decidedByName: byName, decidedAt: now, reason })
    .where(and(eq(approvals.id, id), eq(approvals.state, 'pending')))
    .run();
  return result.changes === 1;
}

/** Remember where the approval message was posted. */
export function setApprovalMessage(db: Db, id: string, chatId: string, messageId: number): void {
  db.update(approvals).set({ chatId, messageId }).where(eq(approvals.id, id)).run();
}
