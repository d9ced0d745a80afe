/**
 * The state of Conveyor's connection to Telegram, as /healthz and the log show it. Faults are
 * logged once per episode (when the state changes), not once per retry; the reason is kept fresh.
 */
import type { Logger } from '../../core/ports/logger.ts';
import type { TelegramFault } from './telegram-fault.ts';

/** up: Telegram answers. down: unreachable (network, 5xx) or not connected yet. conflict: another consumer polls. unauthorized: the token is refused. */
export type TelegramState = 'up' | 'down' | 'conflict' | 'unauthorized';

/** What /healthz shows about Telegram; `reason` never holds the token. */
export interface TelegramHealth {
  readonly state: TelegramState;
  /** Why it is not up (Telegram's own words or the network error code); null when up. */
  readonly reason: string | null;
  /** When the state began (epoch ms). */
  readonly since: number;
}

export class TelegramConnection {
  private current: TelegramHealth;
  private everUp = false;
  /** The current fault episode was logged (the initial "not connected yet" was not). */
  private logged = false;
  private readonly upListeners = new Set<() => void>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.current = { state: 'down', reason: 'not connected yet', since: now() };
  }

  health(): TelegramHealth {
    return this.current;
  }

  /** Telegram answered `method`. Logs and notifies on recovery. Only updates end a conflict. */
  up(method: string): void {
    const was = this.current;
    if (was.state === 'up' || (was.state === 'conflict' && method !== 'getUpdates')) return;
    this.current = { state: 'up', reason: null, since: this.now() };
    this.everUp = true;
    this.logged = false;
    const outage = was.reason === 'not connected yet' ? {} : { after: was.state, downMs: this.now() - was.since };
    this.logger.info({ via: method, ...outage }, 'Telegram connected');
    for (const listener of this.upListeners) listener();
  }

  /** A call failed for a connection-level reason. */
  fault(fault: TelegramFault): void {
    const changed = this.current.state !== fault.type;
    this.current = { state: fault.type, reason: fault.reason, since: changed ? this.now() : this.current.since };
    // A token refused before it ever worked ends `conveyor start` with its own one-line error.
    if (fault.type === 'unauthorized' && !this.everUp) return;
    if (!changed && this.logged) {
      this.logger.debug({ telegram: fault.type, reason: fault.reason }, 'Telegram still unavailable');
      return;
    }
    this.logged = true;
    const fields = { telegram: fault.type, reason: fault.reason };
    if (fault.type === 'unauthorized') this.logger.error(fields, 'Telegram refused the bot token (401): check TELEGRAM_BOT_TOKEN; the pipeline keeps running without chat');
    else if (fault.type === 'conflict') this.logger.warn(fields, 'Telegram reports a conflict (409): another consumer takes this bot\'s updates; backing off and retrying');
    else this.logger.warn(fields, 'Telegram unreachable: retrying in the background; outbox messages stay pending');
  }

  /** Called each time the connection comes back (e.g. to wake the outbox). */
  onUp(listener: () => void): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }
}
