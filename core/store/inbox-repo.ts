/**
 * The webhook inbox: verified deliveries, unique per (source, delivery id), committed before the
 * sender gets its 2xx. One processor drains it in arrival order; a failed row waits with an
 * exponential backoff and is never dropped.
 */
import type { Store, Tx } from './store.ts';
import type { WebhookSource } from '../inbound/webhook-events.ts';

/** A stored delivery. */
export interface InboxRow {
  id: number;
  source: string;
  deliveryId: string;
  event: string;
  payload: string;
  receivedAt: number;
  processedAt: number | null;
  attempts: number;
  availableAt: number;
  error: string | null;
}

/** A verified delivery to store. */
export interface NewDelivery {
  readonly source: WebhookSource;
  readonly deliveryId: string;
  readonly event: string;
  /** The raw body text, exactly as signed. */
  readonly payload: string;
  readonly now: number;
  /** Store it as already processed (events Conveyor does not act on are kept for the record). */
  readonly processed?: boolean;
}

/** Whether the delivery was new; either way `id` is its row. */
export type InsertOutcome =
  { readonly type: 'stored'; readonly id: number } | { readonly type: 'duplicate'; readonly id: number };

/** Inbox rows by state, for metrics. */
export interface InboxCounts {
  /** Waiting, never tried. */
  readonly pending: number;
  /** Waiting after at least one failed attempt. */
  readonly retrying: number;
  readonly processed: number;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 10 * 60_000;
const MAX_ERROR_LENGTH = 2_000;

/** Store a delivery; a second one with the same (source, delivery id) is reported, not thrown. */
export async function insertDelivery(store: Store, delivery: NewDelivery): Promise<InsertOutcome> {
  return await store.transaction(async (tx) => await insertDeliveryInTx(tx, delivery));
}

/** {@link insertDelivery} inside the caller's transaction. */
export async function insertDeliveryInTx(tx: Tx, delivery: NewDelivery): Promise<InsertOutcome> {
  return await tx.write.inbox.insert(delivery);
}

/**
 * Deliveries due for processing (not processed, available by `now`), oldest first. Nothing is
 * leased: several processes may read the same row; the one whose transaction marks it processed
 * first applies it, the others find it processed and change nothing (markProcessed).
 */
export async function claimPending(store: Store, now: number, limit: number): Promise<InboxRow[]> {
  return await store.db.read.inbox.pending(now, limit);
}

/**
 * The delivery took effect (or was deliberately ignored). False when the row was processed
 * already: another process's inbox processor took it first (several `start`s on one database).
 */
export async function markProcessed(tx: Tx, id: number, now: number): Promise<boolean> {
  return await tx.write.inbox.markProcessed(id, now);
}

/**
 * Processing failed: count the attempt, keep the error, and try again after a backoff. Null when
 * there is no such row, or when it was processed meanwhile (by another process): nothing to retry.
 */
export async function markFailed(
  store: Store,
  id: number,
  error: string,
  now: number,
): Promise<{ attempts: number; availableAt: number } | null> {
  return await store.transaction(async (tx) => {
    const before = await tx.read.inbox.attempts(id);
    if (before === null) return null;
    const attempts = before + 1;
    const availableAt = now + inboxRetryDelayMs(attempts);
    if (!(await tx.write.inbox.retryLater(id, attempts, availableAt, error.slice(0, MAX_ERROR_LENGTH)))) return null;
    return { attempts, availableAt };
  });
}

/** Delay before the next try after `attempts` failures: 1 s doubling, capped at 10 min. */
export function inboxRetryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
}

/** How many rows are pending, retrying and processed. */
export async function countByState(store: Store): Promise<InboxCounts> {
  return await store.db.read.inbox.counts();
}

/** Inbox reads of the store port. */
export interface InboxReads {
  /** Unprocessed rows available by `now`, oldest first. */
  pending(now: number, limit: number): Promise<InboxRow[]>;
  /** The failed-attempt count of row `id`, or null when there is no such row. */
  attempts(id: number): Promise<number | null>;
  counts(): Promise<InboxCounts>;
}

/** Inbox writes of the store port. */
export interface InboxWrites {
  /** Insert unless (source, delivery id) exists; either way the row's id. */
  insert(delivery: NewDelivery): Promise<InsertOutcome>;
  /** Mark an unprocessed row processed; false (nothing changed) when it was processed already. */
  markProcessed(id: number, now: number): Promise<boolean>;
  /** Record a failed attempt on an unprocessed row (false when it was processed): the new count, when to try next, the error (cut to length). */
  retryLater(id: number, attempts: number, availableAt: number, error: string): Promise<boolean>;
}
