/**
 * Keeps this process's claim on the leader lease: it tries to acquire or renew every TTL/3, and
 * says when leadership is gained or lost. It counts leadership as lost the moment a renewal fails
 * or is refused, and also when no renewal succeeded within the TTL measured from when the last
 * successful one was sent (a hung database call): by then another process may lead, so the
 * singletons stop at once (ADR 0052).
 */
import { describeError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { LeaderLease } from '../ports/leader-lease.ts';
import type { Logger } from '../ports/logger.ts';

/** Timers, replaceable in tests (a fake clock drives the loop). */
export interface LeaderTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: LeaderTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LeaderLoopDeps {
  readonly lease: LeaderLease;
  /** This process's holder id (the instance id). */
  readonly holder: string;
  readonly ttlMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timers?: LeaderTimers;
}

type Listener = () => void | Promise<void>;

/** The reason when the process itself stops: expected, so not a warning. */
const STOPPING = 'stopping';

export class LeaderLoop {
  private leading = false;
  private running = false;
  private tickTimer: unknown = null;
  private deadlineTimer: unknown = null;
  private attempts = 0;
  private lastHolder: string | null = null;
  private readonly gained = new Set<Listener>();
  private readonly lost = new Set<Listener>();
  private readonly timers: LeaderTimers;

  constructor(private readonly deps: LeaderLoopDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  /** Whether this process leads right now. */
  isLeading(): boolean {
    return this.leading;
  }

  /** The holder seen by the last attempt (this process when it leads), or null before any. */
  holder(): string | null {
    return this.lastHolder;
  }

  /** Call `fn` each time this process becomes the leader. */
  onGained(fn: Listener): () => void {
    this.gained.add(fn);
    return () => this.gained.delete(fn);
  }

  /** Call `fn` each time this process stops leading (lost, or released at stop). */
  onLost(fn: Listener): () => void {
    this.lost.add(fn);
    return () => this.lost.delete(fn);
  }

  /** Start trying; resolves after the first attempt (a lone process leads when this resolves). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  /** Stop trying; when leading, stop the singletons (onLost) and release the lease. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    // An attempt still in flight sees `running` false when it answers and changes nothing.
    if (!this.leading) return;
    await this.lose(STOPPING);
    await this.deps.lease.release(this.deps.holder).catch((error: unknown) => {
      this.deps.logger.warn({ error: describeError(error) }, 'releasing the leader lease failed; it expires by itself');
    });
  }

  /** One acquire-or-renew attempt (the timer calls it; tests may too). */
  async tick(): Promise<void> {
    if (!this.running) return;
    const every = Math.max(1, Math.floor(this.deps.ttlMs / 3));
    // A call that hangs must not stop the loop: the next attempt goes out on time regardless, and
    // the hung one's answer is ignored when it comes (the deadline timer covers the lease meanwhile).
    const started = this.deps.clock.now();
    let waited: unknown = null;
    await Promise.race([this.attempt(++this.attempts), new Promise<void>((resolve) => (waited = this.timers.set(resolve, every)))]);
    this.timers.clear(waited);
    if (this.running) this.tickTimer = this.timers.set(() => void this.tick(), Math.max(0, started + every - this.deps.clock.now()));
  }

  private async attempt(seq: number): Promise<void> {
    const { lease, holder, ttlMs, clock, logger } = this.deps;
    const sentAt = clock.now();
    let outcome;
    try {
      outcome = await lease.acquireOrRenew(holder, ttlMs);
    } catch (error) {
      if (!this.running || seq !== this.attempts) return;
      logger.warn({ error: describeError(error) }, 'renewing the leader lease failed');
      if (this.leading) await this.lose('renewal failed');
      return;
    }
    if (!this.running || seq !== this.attempts) return;
    this.lastHolder = outcome.holder;
    if (outcome.type === 'follower') {
      if (this.leading) await this.lose(`taken by ${outcome.holder}`);
      return;
    }
    // Our own deadline counts from when the renewal was sent: the database's expiry is later.
    if (this.deadlineTimer !== null) this.timers.clear(this.deadlineTimer);
    const left = sentAt + ttlMs - clock.now();
    this.deadlineTimer = this.timers.set(() => void this.expire(), Math.max(0, left));
    if (!this.leading) {
      this.leading = true;
      logger.info({ holder, ttlMs }, 'leading: starting the singletons');
      await this.notify(this.gained);
    }
  }

  private async expire(): Promise<void> {
    this.deadlineTimer = null;
    if (this.leading) await this.lose('no renewal within the TTL');
  }

  private async lose(reason: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    if (this.deadlineTimer !== null) this.timers.clear(this.deadlineTimer);
    this.deadlineTimer = null;
    if (reason === STOPPING) this.deps.logger.info({ holder: this.deps.holder }, 'leadership released: stopping the singletons');
    else this.deps.logger.warn({ holder: this.deps.holder, reason }, 'leadership lost: stopping the singletons');
    await this.notify(this.lost);
  }

  private async notify(listeners: ReadonlySet<Listener>): Promise<void> {
    for (const fn of listeners) {
      try {
        await fn();
      } catch (error) {
        this.deps.logger.error({ error: describeError(error) }, 'a leadership listener failed');
      }
    }
  }

  private clearTimers(): void {
    if (this.tickTimer !== null) this.timers.clear(this.tickTimer);
    if (this.deadlineTimer !== null) this.timers.clear(this.deadlineTimer);
    this.tickTimer = null;
    this.deadlineTimer = null;
  }
}
