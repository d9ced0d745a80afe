/** The outbox: messages for people, written with the state change, delivered afterwards. */
import type { OutboxKind, OutboxMessage } from '../notify/outbox-message.ts';
import type { Reader, Tx } from './store.ts';

/** One outbox row. */
export interface OutboxRow {
  id: number;
  kind: string;
  taskId: string | null;
  payload: Record<string, unknown>;
  state: string;
  attempts: number;
  availableAt: number;
  error: string | null;
  createdAt: number;
  doneAt: number | null;
  sendStartedAt: number | null;
}

export async function addOutbox(
  tx: Tx,
  kind: OutboxKind,
  taskId: string,
  payload: Record<string, unknown>,
  now: number,
): Promise<void> {
  await tx.write.outbox.add(kind, taskId, payload, now);
}

/** Pending rows that are due, oldest first. */
export async function pendingOutbox(reader: Reader, now: number, limit: number): Promise<OutboxRow[]> {
  return await reader.read.outbox.pending(now, limit);
}

/** Mark done; for cards, also every earlier pending card row of the task (the latest state was shown). */
export async function markOutboxDone(tx: Tx, row: Pick<OutboxRow, 'id' | 'kind' | 'taskId'>, now: number): Promise<void> {
  if (row.kind === 'card' && row.taskId) await tx.write.outbox.markCardsDone(row.taskId, row.id, now);
  else await tx.write.outbox.markDone(row.id, now);
}

/** Record that a send of row `id` starts now (committed before the send: ADR 0022). */
export async function markOutboxSending(tx: Tx, id: number, now: number): Promise<void> {
  await tx.write.outbox.markSending(id, now);
}

/** The send recorded by `markOutboxSending` never started (stopped while waiting for a slot). */
export async function unmarkOutboxSending(tx: Tx, id: number): Promise<void> {
  await tx.write.outbox.markSending(id, null);
}

/** A failed send was answered (no message went out as far as we know): the attempt is settled. */
export async function markOutboxRetry(tx: Tx, id: number, error: string, availableAt: number): Promise<void> {
  await tx.write.outbox.markRetry(id, error, availableAt);
}

/** Records why the last try failed without counting it (the service was unreachable). */
export async function noteOutboxError(tx: Tx, id: number, error: string): Promise<void> {
  await tx.write.outbox.noteError(id, error);
}

export async function markOutboxDead(tx: Tx, id: number, error: string, now: number): Promise<void> {
  await tx.write.outbox.markDead(id, error, now);
}

/** A row as the notifier's message. */
export function toOutboxMessage(row: OutboxRow): OutboxMessage | null {
  const taskId = row.taskId ?? '';
  const p = row.payload;
  switch (row.kind) {
    case 'card':
      return { kind: 'card', outboxId: row.id, taskId };
    case 'approval-request':
    case 'approval-decided':
      return { kind: row.kind, outboxId: row.id, taskId, approvalId: String(p.approvalId) };
    case 'escalation':
      return {
        kind: 'escalation',
        outboxId: row.id,
        taskId,
        reason: typeof p.reason === 'string' ? p.reason : '',
      };
    case 'notice':
      return {
        kind: 'notice',
        outboxId: row.id,
        taskId,
        text: typeof p.text === 'string' ? p.text : '',
        ...(p.notify === true ? { notify: true } : {}),
      };
    default:
      return null;
  }
}

/** Outbox reads of the store port. */
export interface OutboxReads {
  /** Pending rows that are due, oldest first. */
  pending(now: number, limit: number): Promise<OutboxRow[]>;
  /** Whether the task has a pending card row. */
  hasPendingCard(taskId: string): Promise<boolean>;
  /** Whether a pending card row of the task has a send started (cards coalesce). */
  cardSendStarted(taskId: string): Promise<boolean>;
  /** Per task, the lowest id of its pending rows that are not yet due (waiting for a retry). */
  firstWaiting(now: number): Promise<{ taskId: string | null; first: number }[]>;
}

/** Outbox writes of the store port. */
export interface OutboxWrites {
  add(kind: OutboxKind, taskId: string, payload: Record<string, unknown>, now: number): Promise<void>;
  markDone(id: number, now: number): Promise<void>;
  /** Mark done every pending card row of `taskId` up to and including row `upToId`. */
  markCardsDone(taskId: string, upToId: number, now: number): Promise<void>;
  /** Record the send of row `id` as started at `now`; null: it did not start after all. */
  markSending(id: number, now: number | null): Promise<void>;
  /** Count the attempt, keep the error, clear the send mark, wait until `availableAt`. */
  markRetry(id: number, error: string, availableAt: number): Promise<void>;
  noteError(id: number, error: string): Promise<void>;
  markDead(id: number, error: string, now: number): Promise<void>;
}
