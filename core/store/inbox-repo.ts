/**
 * The webhook inbox: verified deliveries, unique per (source, delivery id), committed before the
 * sender gets its 2xx. One processor drains it in arrival order; a failed row waits with an
 * exponential backoff and is never dropped.
 */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { inbox } from './schema.ts';
import type { Db, Store, Tx } from './database.ts';
import type { WebhookSource } from '../inbound/webhook-events.ts';
import { PermanentError } from '../errors.ts';

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
  const statements = statementsFor(tx.db);
  const key = { source: delivery.source, deliveryId: delivery.deliveryId };
  const inserted = statements.insert.get({
    ...key,
    event: delivery.event,
    payload: delivery.payload,
    now: delivery.now,
    processedAt: delivery.processed ? delivery.now : null,
  });
  if (inserted) return { type: 'stored', id: inserted.id };
  const existing = statements.lookup.get(key);
  // The conflicting row is committed (SQLite serialises writers), so it is always found.
  if (!existing)
    throw new PermanentError(
      `storing delivery ${delivery.source}/${delivery.deliveryId}: conflict without a row`,
    );
  return { type: 'duplicate', id: existing.id };
}

// Ingest is the hot path: prepare its two statements once per store, not per delivery.
const prepared = new WeakMap<Db, ReturnType<typeof prepareStatements>>();

function statementsFor(db: Db): ReturnType<typeof prepareStatements> {
  let statements = prepared.get(db);
  if (!statements) {
    statements = prepareStatements(db);
    prepared.set(db, statements);
  }
  return statements;
}

function prepareStatements(db: Db) {
  const source = sql.placeholder('source');
  const deliveryId = sql.placeholder('deliveryId');
  const now = sql.placeholder('now');
  return {
    insert: db
      .insert(inbox)
      .values({
        source,
        deliveryId,
        event: sql.placeholder('event'),
        payload: sql.placeholder('payload'),
        receivedAt: now,
        availableAt: now,
        processedAt: sql.placeholder('processedAt'),
      })
      .onConflictDoNothing({ target: [inbox.source, inbox.deliveryId] })
      .returning({ id: inbox.id })
      .prepare(),
    lookup: db
      .select({ id: inbox.id })
      .from(inbox)
      .where(and(eq(inbox.source, source), eq(inbox.deliveryId, deliveryId)))
      .prepare(),
  };
}

/**
 * Deliveries due for processing (not processed, available by `now`), oldest first. Nothing is
 * leased: the single inbox processor owns every row it reads until it marks it.
 */
export async function claimPending(store: Store, now: number, limit: number): Promise<InboxRow[]> {
  return store.db
    .select()
    .from(inbox)
    .where(and(isNull(inbox.processedAt), lte(inbox.availableAt, now)))
    .orderBy(asc(inbox.id))
    .limit(limit)
    .all();
}

/** The delivery took effect (or was deliberately ignored). */
export async function markProcessed(tx: Tx, id: number, now: number): Promise<void> {
  tx.db.update(inbox).set({ processedAt: now, error: null }).where(eq(inbox.id, id)).run();
}

/** Processing failed: count the attempt, keep the error, and try again after a backoff. */
export async function markFailed(
  store: Store,
  id: number,
  error: string,
  now: number,
): Promise<{ attempts: number; availableAt: number } | null> {
  return await store.transaction(async (tx) => {
    const row = tx.db.select({ attempts: inbox.attempts }).from(inbox).where(eq(inbox.id, id)).get();
    if (!row) return null;
    const attempts = row.attempts + 1;
    const availableAt = now + inboxRetryDelayMs(attempts);
    tx.db
      .update(inbox)
      .set({ attempts, availableAt, error: error.slice(0, MAX_ERROR_LENGTH) })
      .where(eq(inbox.id, id))
      .run();
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
  const row = store.db
    .select({
      pending: sql<number>`coalesce(sum(case when ${inbox.processedAt} is null and ${inbox.attempts} = 0 then 1 else 0 end), 0)`,
      retrying: sql<number>`coalesce(sum(case when ${inbox.processedAt} is null and ${inbox.attempts} > 0 then 1 else 0 end), 0)`,
      processed: sql<number>`coalesce(sum(case when ${inbox.processedAt} is not null then 1 else 0 end), 0)`,
    })
    .from(inbox)
    .get();
  return { pending: row?.pending ?? 0, retrying: row?.retrying ?? 0, processed: row?.processed ?? 0 };
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
  markProcessed(id: number, now: number): Promise<void>;
  /** Record a failed attempt: the new count, when to try next, the error (already cut to length). */
  retryLater(id: number, attempts: number, availableAt: number, error: string): Promise<void>;
}
