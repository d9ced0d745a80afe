/**
 * Recording a send before it happens (ADR 0022). Telegram has no idempotency key: a crash after it
 * accepted a message and before the outbox row is marked done sends the message again after the
 * restart. So the attempt is committed before the send of every kind that posts a new message
 * (approval requests, escalations, notices, a task's first card), and a row found with an
 * unconfirmed attempt logs that a duplicate may exist. Edits (later cards, decisions) repeat
 * harmlessly and are not recorded.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Reader, Store } from '../store/store.ts';
import { markOutboxSending, type OutboxRow } from '../store/outbox-repo.ts';
import { cardOf } from '../store/card-repo.ts';

/** Kinds that always post a new message, and how the log names them. */
const POSTING: Readonly<Record<string, string>> = { 'approval-request': 'approval', escalation: 'escalation', notice: 'notice' };

/** Record that `row` is about to be sent, after logging a possible duplicate of an earlier attempt. */
export async function recordSendAttempt(deps: { store: Store; clock: Clock; logger: Logger }, row: OutboxRow): Promise<void> {
  const { store, clock, logger } = deps;
  const taskId = row.taskId ?? '';
  // A card posts a message only while the task has none recorded; later it is edited.
  const posting = POSTING[row.kind] ?? (row.kind === 'card' && taskId && !(await hasCardMessage(store.db, taskId)) ? 'card' : undefined);
  if (!posting) return;
  if (row.sendStartedAt !== null || (posting === 'card' && (await store.db.read.outbox.cardSendStarted(taskId))))
    logger.warn(
      { outbox: row.id, kind: row.kind, task: row.taskId },
      `a duplicate ${posting} message may exist for ${taskId || '?'}: an earlier send was not confirmed (the process died?)`,
    );
  await store.transaction(async (tx) => await markOutboxSending(tx, row.id, clock.now()));
}

/** Whether the task's card was posted and recorded. */
async function hasCardMessage(reader: Reader, taskId: string): Promise<boolean> {
  return ((await cardOf(reader, taskId))?.messageId ?? null) !== null;
}
