/** Approval requests and their single decision. */
import { and, desc, eq } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { approvals } from './schema.ts';

export interface ApprovalRow {
  id: string;
  taskId: string;
  gate: string;
  round: number;
  state: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
  reason: string | null;
  summary: string;
  chatId: string | null;
  messageId: number | null;
  createdAt: number;
}

/** A new approval request (undecided, not yet posted). */
export type NewApproval = Omit<ApprovalRow, 'decidedBy' | 'decidedByName' | 'decidedAt' | 'reason' | 'chatId' | 'messageId'>;

export async function insertApproval(
  tx: Tx,
  row: Omit<ApprovalRow, 'decidedBy' | 'decidedByName' | 'decidedAt' | 'reason' | 'chatId' | 'messageId'>,
): Promise<void> {
  tx.db.insert(approvals).values(row).onConflictDoNothing().run();
}

export async function getApproval(reader: Reader, id: string): Promise<ApprovalRow | null> {
  const db = readerDb(reader);
  return db.select().from(approvals).where(eq(approvals.id, id)).get() ?? null;
}

/** The newest pending approval of a task for a gate. */
export async function pendingApproval(
  reader: Reader,
  taskId: string,
  gate: string,
): Promise<ApprovalRow | null> {
  const db = readerDb(reader);
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
export async function hasApproval(reader: Reader, taskId: string, gate: string): Promise<boolean> {
  const db = readerDb(reader);
  return (
    db
      .select({ id: approvals.id })
      .from(approvals)
      .where(and(eq(approvals.taskId, taskId), eq(approvals.gate, gate)))
      .get() !== undefined
  );
}

/** Record the decision if still pending; false when someone decided first. */
export async function decideApproval(
  tx: Tx,
  id: string,
  state: 'approved' | 'rejected',
  by: string,
  byName: string,
  reason: string | null,
  now: number,
): Promise<boolean> {
  const result = tx.db
    .update(approvals)
    .set({ state, decidedBy: by, decidedByName: byName, decidedAt: now, reason })
    .where(and(eq(approvals.id, id), eq(approvals.state, 'pending')))
    .run();
  return result.changes === 1;
}

/** Remember where the approval message was posted. */
export async function setApprovalMessage(
  tx: Tx,
  id: string,
  chatId: string,
  messageId: number,
): Promise<void> {
  tx.db.update(approvals).set({ chatId, messageId }).where(eq(approvals.id, id)).run();
}

/** Approval reads of the store port. */
export interface ApprovalReads {
  get(id: string): Promise<ApprovalRow | null>;
  /** The newest pending approval of a task for a gate. */
  pending(taskId: string, gate: string): Promise<ApprovalRow | null>;
  has(taskId: string, gate: string): Promise<boolean>;
}

/** Approval writes of the store port (roll-backs, kept as approvals, are in rollback-repo.ts). */
export interface ApprovalWrites {
  /** Insert unless (task, gate, round) or the id exists; true when inserted. */
  insert(row: NewApproval): Promise<boolean>;
  /** Record the decision if still pending; false when someone decided first. */
  decide(id: string, state: 'approved' | 'rejected', by: string, byName: string, reason: string | null, now: number): Promise<boolean>;
  setMessage(id: string, chatId: string, messageId: number): Promise<void>;
}
