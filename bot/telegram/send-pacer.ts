/**
 * Keeps outgoing sends and edits inside Telegram's limits: per chat (about 1/s), per group (about
 * 20/min) and for the bot as a whole (about 30/s), as sliding windows that are never exceeded. A
 * group's minute budget is also spent evenly (a small burst, then one send per 60/N s), so a busy
 * group never spends a minute's budget in seconds and leaves every card stale for the rest of the
 * minute (docs/adr/0010). Callers wait for a slot instead of provoking 429s; a 429 that happens
 * anyway pauses the chat for its `retry_after`. A wait started inside `until(signal, …)` ends when
 * the signal aborts, so a stopping outbox does not sit out a group's minute budget (ADR 0057).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sleep } from './retry-backoff.ts';

export interface SendLimits {
  readonly perChatPerSecond: number;
  readonly perGroupPerMinute: number;
  readonly globalPerSecond: number;
}

export const TELEGRAM_LIMITS: SendLimits = {
  perChatPerSecond: 1,
  perGroupPerMinute: 20,
  globalPerSecond: 30,
};

/** Sends a group may make back to back before the even spacing applies (a count, not a rate). */
export const GROUP_BURST = 3;

/** `limits` with every rate multiplied by `factor` (benchmarks and tests run Telegram's shape faster). */
export function scaleLimits(limits: SendLimits, factor: number): SendLimits {
  return {
    perChatPerSecond: Math.round(limits.perChatPerSecond * factor),
    perGroupPerMinute: Math.round(limits.perGroupPerMinute * factor),
    globalPerSecond: Math.round(limits.globalPerSecond * factor),
  };
}

class Window {
  private readonly stamps: number[] = [];
  constructor(
    private readonly size: number,
    private readonly spanMs: number,
  ) {}

  /** When a slot frees (≤ now means free). */
  nextFree(now: number): number {
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= now - this.spanMs) this.stamps.shift();
    return this.stamps.length < this.size ? now : (this.stamps[0] ?? now) + this.spanMs;
  }

  record(now: number): void {
    this.stamps.push(now);
  }
}

/** A token bucket: `capacity` sends at once, refilled at `perMs` sends per millisecond. */
class Steady {
  private tokens: number;
  private at: number;
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  nextFree(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? now : now + Math.ceil((1 - this.tokens) / this.perMs);
  }

  record(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
  }
}

interface Group {
  readonly window: Window;
  readonly steady: Steady;
}

export class SendPacer {
  private readonly global: Window;
  private readonly chats = new Map<string, Window>();
  private readonly groups = new Map<string, Group>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly prepaid = new AsyncLocalStorage<{ chatId: string; spent: boolean }>();
  private readonly cancel = new AsyncLocalStorage<AbortSignal>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly limits: SendLimits = TELEGRAM_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly margin = 1.1,
  ) {
    this.global = new Window(limits.globalPerSecond, 1000 * margin);
  }

  /**
   * Wait until `chatId` may receive one more send or edit, and take the slot. Grants are first come,
   * first served. Inside `until(signal, …)` an aborted signal ends the wait with its reason (an
   * AbortError) and takes no slot.
   */
  acquire(chatId: string): Promise<void> {
    const signal = this.cancel.getStore();
    // Grants are serialised so two waiters never take the same slot.
    const grant = this.tail.then(() => this.waitFor(chatId, signal));
    this.tail = grant.catch(() => undefined);
    return grant;
  }

  /**
   * Run `fn` so that every wait for a slot inside it ends when `signal` aborts. A call that already
   * has its slot is not interrupted: what Telegram may have received is never cut off mid-request.
   */
  until<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    return signal ? this.cancel.run(signal, fn) : fn();
  }

  /**
   * Run `fn` holding a slot of `chatId` taken beforehand with `acquire`: the first paced call inside
   * it does not wait again (the card publisher takes the slot, then renders the latest state).
   */
  withSlot<T>(chatId: string, fn: () => Promise<T>): Promise<T> {
    return this.prepaid.run({ chatId, spent: false }, fn);
  }

  /** Take a slot for a call about to be made: the prepaid one of `withSlot`, else wait for one. */
  async take(chatId: string): Promise<void> {
    const slot = this.prepaid.getStore();
    if (slot && !slot.spent && slot.chatId === chatId) {
      slot.spent = true;
      return;
    }
    await this.acquire(chatId);
  }

  /** Telegram answered 429: nothing goes to this chat before `retryAfterMs` passes. */
  pause(chatId: string, retryAfterMs: number): void {
    this.pausedUntil.set(chatId, Math.max(this.pausedUntil.get(chatId) ?? 0, this.now() + retryAfterMs));
  }

  private async waitFor(chatId: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const group = isGroup(chatId) ? this.group(chatId, now) : null;
      const ready = Math.max(
        this.global.nextFree(now),
        this.chat(chatId).nextFree(now),
        group ? Math.max(group.window.nextFree(now), group.steady.nextFree(now)) : now,
        this.pausedUntil.get(chatId) ?? now,
      );
      if (ready <= now) {
        this.global.record(now);
        this.chat(chatId).record(now);
        group?.window.record(now);
        group?.steady.record(now);
        return;
      }
      // An abort ends the sleep early; the check at the top of the loop then throws its reason.
      await sleep(ready - now, ...(signal ? [signal] : []));
    }
  }

  private chat(chatId: string): Window {
    let w = this.chats.get(chatId);
    if (!w) this.chats.set(chatId, (w = new Window(this.limits.perChatPerSecond, 1000 * this.margin)));
    return w;
  }

  private group(chatId: string, now: number): Group {
    let g = this.groups.get(chatId);
    if (!g) {
      const spanMs = 60_000 * this.margin;
      g = {
        window: new Window(this.limits.perGroupPerMinute, spanMs),
        steady: new Steady(
          Math.min(GROUP_BURST, this.limits.perGroupPerMinute),
          this.limits.perGroupPerMinute / spanMs,
          now,
        ),
      };
      this.groups.set(chatId, g);
    }
    return g;
  }
}

function isGroup(chatId: string): boolean {
  return chatId.startsWith('-');
}

