/**
 * Keeps outgoing sends and edits inside Telegram's limits: per chat (about 1/s), per group (about
 * 20/min) and for the bot as a whole (about 30/s), as sliding windows. Callers wait for a slot
 * instead of provoking 429s; a 429 that happens anyway pauses the chat for its `retry_after`.
 */
export interface SendLimits {
  readonly perChatPerSecond: number;
  readonly perGroupPerMinute: number;
  readonly globalPerSecond: number;
}

export const TELEGRAM_LIMITS: SendLimits = { perChatPerSecond: 1, perGroupPerMinute: 20, globalPerSecond: 30 };

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

export class SendPacer {
  private readonly global: Window;
  private readonly chats = new Map<string, Window>();
  private readonly groups = new Map<string, Window>();
  private readonly pausedUntil = new Map<string, number>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly limits: SendLimits = TELEGRAM_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly margin = 1.1,
  ) {
    this.global = new Window(limits.globalPerSecond, 1000 * margin);
  }

  /** Wait until `chatId` may receive one more send or edit, and take the slot. */
  acquire(chatId: string): Promise<void> {
    // Grants are serialised so two waiters never take the same slot.
    const grant = this.tail.then(() => this.waitFor(chatId));
    this.tail = grant.catch(() => undefined);
    return grant;
  }

  /** Telegram answered 429: nothing goes to this chat before `retryAfterMs` passes. */
  pause(chatId: string, retryAfterMs: number): void {
    this.pausedUntil.set(chatId, Math.max(this.pausedUntil.get(chatId) ?? 0, this.now() + retryAfterMs));
  }

  private async waitFor(chatId: string): Promise<void> {
    for (;;) {
      const now = this.now();
      const ready = Math.max(
        this.global.nextFree(now),
        this.chat(chatId).nextFree(now),
        isGroup(chatId) ? this.group(chatId).nextFree(now) : now,
        this.pausedUntil.get(chatId) ?? now,
      );
      if (ready <= now) {
        this.global.record(now);
        this.chat(chatId).record(now);
        if (isGroup(chatId)) this.group(chatId).record(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, ready - now));
    }
  }

  private chat(chatId: string): Window {
    let w = this.chats.get(chatId);
    if (!w) this.chats.set(chatId, (w = new Window(this.limits.perChatPerSecond, 1000 * this.margin)));
    return w;
  }

  private group(chatId: string): Window {
    let w = this.groups.get(chatId);
    if (!w) this.groups.set(chatId, (w = new Window(this.limits.perGroupPerMinute, 60_000 * this.margin)));
    return w;
  }
}

function isGroup(chatId: string): boolean {
  return chatId.startsWith('-');
}
