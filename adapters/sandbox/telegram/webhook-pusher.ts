/**
 * Webhook mode: while a webhook is set, pending updates are POSTed to it one at a time, in order,
 * with the secret token header. An update leaves the queue only on a 2xx answer; anything else
 * (an error status, a refused connection, a timeout) is retried after a delay, as Telegram does.
 */
import type { Update } from 'grammy/types';
import type { WebhookState } from './sandbox-types.ts';
import type { UpdateQueue } from './update-queue.ts';

/** Delivery timing for webhook mode. */
export interface WebhookOptions {
  /** Wall-clock delay before a failed delivery is tried again. */
  readonly retryDelayMs: number;
  /** How long a delivery may take before it counts as failed (and is re-delivered). */
  readonly timeoutMs: number;
}

interface Target {
  readonly url: string;
  readonly secretToken?: string;
}

/** Delivers queued updates to the webhook, in order, retrying until a 2xx. */
export class WebhookPusher {
  private target: Target | undefined;
  private pumping = false;
  private delivered = 0;
  private lastError: string | undefined;
  private readonly stop = new AbortController();
  private wake: (() => void) | undefined;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly options: WebhookOptions,
  ) {
    queue.onUpdate(() => this.kick());
  }

  isSet(): boolean {
    return this.target !== undefined;
  }

  /** Points delivery at `url`; says whether anything changed. */
  set(url: string, secretToken: string | undefined): 'set' | 'unchanged' {
    if (this.target?.url === url && this.target.secretToken === secretToken) return 'unchanged';
    this.target = { url, ...(secretToken ? { secretToken } : {}) };
    this.lastError = undefined;
    this.wake?.();
    this.kick();
    return 'set';
  }

  /** Stops delivery; says whether a webhook was set. */
  clear(): boolean {
    const wasSet = this.target !== undefined;
    this.target = undefined;
    this.wake?.();
    return wasSet;
  }

  state(): WebhookState {
    return {
      url: this.target?.url ?? '',
      hasSecret: this.target?.secretToken !== undefined,
      pendingUpdateCount: this.queue.pendingCount(),
      deliveredCount: this.delivered,
      ...(this.lastError ? { lastErrorMessage: this.lastError } : {}),
    };
  }

  close(): void {
    this.target = undefined;
    this.stop.abort();
    this.wake?.();
  }

  private kick(): void {
    if (!this.pumping && this.target) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let update = this.queue.peek(); update && this.target; update = this.queue.peek()) {
        if (await this.deliver(this.target, update)) {
          this.queue.confirmThrough(update.update_id);
          this.delivered += 1;
        } else {
          await this.pause();
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(target: Target, update: Update): Promise<boolean> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.secretToken) headers['x-telegram-bot-api-secret-token'] = target.secretToken;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer();
      if (response.ok) return true;
      this.lastError = `Wrong response from the webhook: ${response.status} ${response.statusText}`;
    } catch (error) {
      this.lastError = `Delivery failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    return false;
  }

  private pause(): Promise<void> {
    if (this.stop.signal.aborted || !this.target) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.retryDelayMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
