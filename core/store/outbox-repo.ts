/** The outbox: messages for people, written with the state change, delivered afterwards. */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { OutboxKind, OutboxMessage } from '../notify/outbox-message.ts';
import { readerDb, type Reader, type Tx } from './database.ts';
import { outbox } from './schema.ts';

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
  tx.db
    .insert(outbox)
    .values({ kind, taskId, payload, state: 'pending', availableAt: now, createdAt: now })
    .run();
}

/** Pending rows that are due, oldest first. */
export async function pendingOutbox(reader: Reader, now: number, limit: number): Promise<OutboxRow[]> {
  const db = readerDb(reader);
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.state, 'pending'), lte(outbox.availableAt, now)))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .all();
}

/** Mark done; for cards, also every earlier pending card row of the task (the latest state was shown). */
export async function markOutboxDone(tx: Tx, row: OutboxRow, now: number): Promise<void> {
  if (row.kind === 'card' && row.taskId) {
    tx.db
      .update(outbox)
      .set({ state: 'done', doneAt: now })
      .where(
        and(
          eq(outbox.kind, 'card'),
          eq(outbox.taskId, row.taskId),
          eq(outbox.state, 'pending'),
          lte(outbox.id, row.id),
        ),
      )
      .run();
    return;
  }
  tx.db.update(outbox).set({ state: 'done', doneAt: now }).where(eq(outbox.id, row.id)).run();
}

/** Record that a send of row `id` starts now (committed before the send: ADR 0022). */
export async function markOutboxSending(tx: Tx, id: number, now: number): Promise<void> {
  tx.db.update(outbox).set({ sendStartedAt: now }).where(eq(outbox.id, id)).run();
}

/** A failed send was answered (no message went out as far as we know): the attempt is settled. */
export async function markOutboxRetry(tx: Tx, id: number, error: string, availableAt: number): Promise<void> {
  tx.db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, error, availableAt, sendStartedAt: null })
    .where(eq(outbox.id, id))
    .run();
}

/** Records why the last try failed without counting it (the service was unreachable). */
export async function noteOutboxError(tx: Tx, id: number, error: string): Promise<void> {
  tx.db.update(outbox).set({ error }).where(eq(outbox.id, id)).run();
}

export async function markOutboxDead(tx: Tx, id: number, error: string, now: number): Promise<void> {
  tx.db.update(outbox).set({ state: 'dead', error, doneAt: now }).where(eq(outbox.id, id)).run();
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
}

/** Outbox writes of the store port. */
export interface OutboxWrites {
  add(kind: OutboxKind, taskId: string, payload: Record<string, unknown>, now: number): Promise<void>;
  markDone(id: number, now: number): Promise<void>;
  /** Mark done every pending card row of `taskId` up to and including row `upToId`. */
  markCardsDone(taskId: string, upToId: number, now: number): Promise<void>;
  markSending(id: number, now: number): Promise<void>;
  /** Count the attempt, keep the error, clear the send mark, wait until `availableAt`. */
  markRetry(id: number, error: string, availableAt: number): Promise<void>;
  noteError(id: number, error: string): Promise<void>;
  markDead(id: number, error: string, now: number): Promise<void>;
}
