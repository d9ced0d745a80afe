/** Approval requests and their single decision. */
import type { Reader, Tx } from './store.ts';

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

export async function insertApproval(tx: Tx, row: NewApproval): Promise<void> {
  await tx.write.approvals.insert(row);
}

export async function getApproval(reader: Reader, id: string): Promise<ApprovalRow | null> {
  return await reader.read.approvals.get(id);
}

/** The newest pending approval of a task for a gate. */
export async function pendingApproval(reader: Reader, taskId: string, gate: string): Promise<ApprovalRow | null> {
  return await reader.read.approvals.pending(taskId, gate);
}

/** Whether the task ever had an approval for `gate` (a BRD approval means 01-brd.md passed its gate). */
export async function hasApproval(reader: Reader, taskId: string, gate: string): Promise<boolean> {
  return await reader.read.approvals.has(taskId, gate);
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
  return await tx.write.approvals.decide(id, state, by, byName, reason, now);
}

/** Remember where the approval message was posted. */
export async function setApprovalMessage(tx: Tx, id: string, chatId: string, messageId: number): Promise<void> {
  await tx.write.approvals.setMessage(id, chatId, messageId);
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
