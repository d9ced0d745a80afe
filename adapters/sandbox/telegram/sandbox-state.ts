/**
 * Everything one sandbox remembers, in one place: its clock, chats and messages, pending updates,
 * webhook, open button presses, flood limits, bot commands and the request log.
 */
import { CallbackQueries } from './callback-queries.ts';
import { ChatStore } from './chat-store.ts';
import { RateLimiter } from './rate-limiter.ts';
import { RequestLog } from './request-log.ts';
import { SandboxClock } from './sandbox-clock.ts';
import type { BotCommandSet, RateLimits, SandboxFault } from './sandbox-types.ts';
import type { BotIdentity } from './telegram-objects.ts';
import { UpdateQueue } from './update-queue.ts';
import { WebhookPusher } from './webhook-pusher.ts';
import type { WebhookOptions } from './webhook-pusher.ts';

/** What a sandbox is built from (defaults already applied). */
export interface SandboxSettings {
  readonly token: string;
  readonly bot: BotIdentity;
  readonly limits: RateLimits;
  readonly now: () => number;
  readonly webhook: WebhookOptions;
  readonly callbackQueryTtlMs: number;
}

/** One sandbox's state; `close` settles everything that is waiting. */
export class SandboxState {
  readonly token: string;
  readonly bot: BotIdentity;
  readonly clock: SandboxClock;
  readonly chats = new ChatStore();
  readonly updates = new UpdateQueue();
  readonly webhook: WebhookPusher;
  readonly callbacks: CallbackQueries;
  readonly limiter: RateLimiter;
  readonly log = new RequestLog();
  /** Command lists by scope and language, keyed `${JSON scope}|${language}`. */
  readonly commands = new Map<string, BotCommandSet>();
  /** The default menu button (setChatMenuButton). */
  menuButton: { type: 'default' | 'commands' } | { type: 'web_app'; text: string; web_app: { url: string } } = { type: 'default' };
  /** The fault being played (see SandboxFault); null answers normally. */
  fault: SandboxFault | null = null;

  constructor(settings: SandboxSettings) {
    this.token = settings.token;
    this.bot = settings.bot;
    this.clock = new SandboxClock(settings.now);
    this.webhook = new WebhookPusher(this.updates, settings.webhook);
    this.callbacks = new CallbackQueries(settings.callbackQueryTtlMs);
    this.limiter = new RateLimiter(settings.limits);
  }

  /** Plays `fault` from now on; a waiting long poll is ended so that it gets the fault's answer. */
  setFault(fault: SandboxFault | null): void {
    this.fault = fault;
    if (fault) this.updates.abortPoll('Conflict: interrupted by an injected fault');
  }

  close(): void {
    this.webhook.close();
    this.callbacks.closeAll();
    this.updates.close();
  }
}
