/** The leader loop's logic on a fake clock and fake timers, against a scripted in-memory lease. */
import { describe, expect, it } from 'vitest';
import { LeaderLoop, type LeaderTimers } from '../../../core/leader/leader-loop.ts';
import type { LeaderHold, LeaderLease, LeaderOutcome } from '../../../core/ports/leader-lease.ts';
import { silentLogger } from '../../../core/ports/logger.ts';

/** Timers that fire only when the test moves the clock on. */
class FakeTime implements LeaderTimers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Move on by `ms`, firing due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((x, y) => x[1].at - y[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.now = end;
  }
}

/** An in-memory lease on the fake clock; `fail` makes calls throw, `hang` makes them never answer. */
class MemoryLease implements LeaderLease {
  row: LeaderHold | null = null;
  calls = 0;
  fail = false;
  hang = false;
  constructor(private readonly time: FakeTime) {}
  async acquireOrRenew(holder: string, ttlMs: number): Promise<LeaderOutcome> {
    this.calls++;
    if (this.hang) return new Promise(() => undefined);
    if (this.fail) throw new Error('database unreachable');
    if (this.row && this.row.holder !== holder && this.row.expiresAt > this.time.now) return { type: 'follower', ...this.row };
    this.row = { holder, expiresAt: this.time.now + ttlMs };
    return { type: 'leading', ...this.row };
  }
  async release(holder: string): Promise<boolean> {
    if (this.row?.holder !== holder) return false;
    this.row = null;
    return true;
  }
  async leader(): Promise<LeaderHold | null> {
    return this.row && this.row.expiresAt > this.time.now ? this.row : null;
  }
}

const TTL = 15_000;

function setup(holder = 'me') {
  const time = new FakeTime();
  const lease = new MemoryLease(time);
  const events: string[] = [];
  const loop = new LeaderLoop({ lease, holder, ttlMs: TTL, clock: { now: () => time.now }, logger: silentLogger, timers: time });
  loop.onGained(() => void events.push('gained'));
  loop.onLost(() => void events.push('lost'));
  return { time, lease, loop, events };
}

describe('LeaderLoop', () => {
  it('leads after its first attempt when the lease is free, and renews every TTL/3', async () => {
    const { time, lease, loop, events } = setup();
    await loop.start();
    expect(loop.isLeading()).toBe(true);
    expect(loop.holder()).toBe('me');
    expect(events).toEqual(['gained']);
    await time.advance(TTL / 3);
    expect(lease.calls).toBe(2);
    await time.advance(TTL * 3);
    expect(lease.calls).toBe(11);
    expect(events).toEqual(['gained']);
    await loop.stop();
  });

  it('follows while another holder is live, and takes over once it expired', async () => {
    const { time, lease, loop, events } = setup();
    lease.row = { holder: 'other', expiresAt: 10_000 };
    await loop.start();
    expect(loop.isLeading()).toBe(false);
    expect(loop.holder()).toBe('other');
    await time.advance(5_000);
    expect(loop.isLeading()).toBe(false);
    // Ticks at 5 s, 10 s (expired at 10 s, not before): leads by the tick after expiry, within TTL/3.
    await time.advance(5_000);
    expect(loop.isLeading()).toBe(true);
    expect(events).toEqual(['gained']);
    await loop.stop();
  });

  it('stops the singletons at once when its renewal is refused (the lease was taken)', async () => {
    const { time, lease, loop, events } = setup();
    await loop.start();
    lease.row = { holder: 'thief', expiresAt: time.now + TTL * 10 };
    await time.advance(TTL / 3);
    expect(loop.isLeading()).toBe(false);
    expect(loop.holder()).toBe('thief');
    expect(events).toEqual(['gained', 'lost']);
    await loop.stop();
  });

  it('stops the singletons when a renewal fails, and leads again once the database answers', async () => {
    const { time, lease, loop, events } = setup();
    await loop.start();
    lease.fail = true;
    await time.advance(TTL / 3);
    expect(loop.isLeading()).toBe(false);
    expect(events).toEqual(['gained', 'lost']);
    lease.fail = false;
    await time.advance(TTL / 3);
    expect(loop.isLeading()).toBe(true);
    expect(events).toEqual(['gained', 'lost', 'gained']);
    await loop.stop();
  });

  it('counts leadership lost when no renewal succeeded within the TTL (a hung database call)', async () => {
    const { time, lease, loop, events } = setup();
    await loop.start();
    lease.hang = true;
    await time.advance(TTL - 1);
    expect(loop.isLeading()).toBe(true);
    await time.advance(1);
    expect(loop.isLeading()).toBe(false);
    expect(events).toEqual(['gained', 'lost']);
    // The hung calls did not stop the loop: once the database answers again, it leads again.
    lease.hang = false;
    await time.advance(TTL / 3);
    expect(loop.isLeading()).toBe(true);
    await loop.stop();
  });

  it('releases the lease at stop and says leadership ended', async () => {
    const { lease, loop, events } = setup();
    await loop.start();
    await loop.stop();
    expect(loop.isLeading()).toBe(false);
    expect(lease.row).toBeNull();
    expect(events).toEqual(['gained', 'lost']);
  });
});
