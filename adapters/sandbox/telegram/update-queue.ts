/**
 * Pending updates for the bot and the one long poll that may wait for them. Semantics follow
 * telegram-bot-api: `offset` confirms every earlier update, a negative offset keeps only the newest,
 * and a new long poll terminates the one already waiting with 409 (the older consumer loses).
 */
import type { Update } from 'grammy/types';

/** How a getUpdates call ended: with updates, a 409 conflict, or the client gone. */
export type PollOutcome =
  | { readonly type: 'updates'; readonly updates: Update[] }
  | { readonly type: 'conflict'; readonly description: string }
  | { readonly type: 'aborted' };

/** One getUpdates call's parameters, timeout in milliseconds. */
export interface PollRequest {
  readonly offset: number;
  readonly limit: number;
  readonly timeoutMs: number;
  /** Replaces the allowed update types for updates created from now on; [] restores the default. */
  readonly allowedUpdates?: readonly string[];
}

/** An update body without its id, e.g. `{ message }` or `{ callback_query }`. */
export type UpdateBody = Omit<Update, 'update_id'>;

const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The 409 description an older long poll gets when a newer one arrives. */
export const TERMINATED_BY_GET_UPDATES =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

interface Waiter {
  readonly offset: number;
  readonly limit: number;
  readonly finish: (outcome: PollOutcome) => void;
}

/** The bot's pending updates and the single long poll waiting for them. */
export class UpdateQueue {
  private pending: Update[] = [];
  private nextUpdateId = 1;
  private allowed: ReadonlySet<string> = new Set();
  private waiter: Waiter | undefined;
  private readonly listeners = new Set<() => void>();

  /** Queues an update unless allowed_updates excludes its type; returns the id it was given. */
  push(body: UpdateBody): number {
    const updateId = this.nextUpdateId++;
    const kind = Object.keys(body)[0] ?? '';
    const wanted = this.allowed.size > 0 ? this.allowed.has(kind) : !NOT_BY_DEFAULT.has(kind);
    if (!wanted) return updateId;
    this.pending.push({ update_id: updateId, ...body });
    if (this.waiter) {
      const { offset, limit, finish } = this.waiter;
      finish({ type: 'updates', updates: this.from(offset, limit) });
    }
    for (const listener of this.listeners) listener();
    return updateId;
  }

  /** Answers getUpdates now, or holds it until an update arrives, the timeout passes or it is aborted. */
  poll(request: PollRequest, signal: AbortSignal): Promise<PollOutcome> {
    if (request.allowedUpdates) this.allowed = new Set(request.allowedUpdates);
    const offset = this.confirm(request.offset);
    const ready = this.from(offset, request.limit);
    if (ready.length > 0 || request.timeoutMs <= 0)
      return Promise.resolve({ type: 'updates', updates: ready });
    this.abortPoll(TERMINATED_BY_GET_UPDATES);
    if (signal.aborted) return Promise.resolve({ type: 'aborted' });
    return new Promise((resolve) => {
      const finish = (outcome: PollOutcome): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.waiter === waiter) this.waiter = undefined;
        resolve(outcome);
      };
      const onAbort = (): void => finish({ type: 'aborted' });
      const timer = setTimeout(() => finish({ type: 'updates', updates: [] }), request.timeoutMs);
      const waiter: Waiter = { offset, limit: request.limit, finish };
      this.waiter = waiter;
      signal.addEventListener('abort', onAbort);
    });
  }

  /** Ends a waiting long poll with a 409 conflict. */
  abortPoll(description: string): void {
    this.waiter?.finish({ type: 'conflict', description });
  }

  /** Drops a waiting long poll without an answer (the sandbox is closing). */
  close(): void {
    this.waiter?.finish({ type: 'aborted' });
  }

  /** The oldest unconfirmed update, for webhook delivery. */
  peek(): Update | undefined {
    return this.pending[0];
  }

  /** Confirms updates up to and including `updateId`. */
  confirmThrough(updateId: number): void {
    this.pending = this.pending.filter((update) => update.update_id > updateId);
  }

  pendingCount(): number {
    return this.pending.length;
  }

  dropPending(): void {
    this.pending = [];
  }

  /** Calls `listener` after each queued update; returns the unsubscribe function. */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies getUpdates' offset rules and returns the offset to read from. */
  private confirm(offset: number): number {
    if (offset > 0) this.confirmThrough(offset - 1);
    if (offset < 0) this.pending = this.pending.slice(offset);
    return offset > 0 ? offset : 0;
  }

  private from(offset: number, limit: number): Update[] {
    return this.pending.filter((update) => update.update_id >= offset).slice(0, limit);
  }
}
