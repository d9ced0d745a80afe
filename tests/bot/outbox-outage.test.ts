/**
 * The outbox through a long notifier outage (UnavailableError: network, 5xx, refused token), on a
 * real SQLite file and a manual clock: no message is given up however long it lasts, the error is
 * recorded on the pending row; after the first failing pass (its lanes were already in flight)
 * one probe goes out at a time and at most every 5 s (no hot loop, no burst), and once the service answers everything is delivered at the next probe, or at once
 * when `resume` is called (the bot reconnected).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxDrain } from '../../core/notify/outbox-drain.ts';
import { OUTAGE_CAP_MS } from '../../core/notify/outage-pause.ts';
import type { OutboxMessage } from '../../core/notify/outbox-message.ts';
import { UnavailableError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { NotifierPort } from '../../core/ports/notifier.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';
import { createTempStore, type TempStore } from '../support/temp-store.ts';

let t: TempStore;
afterEach(() => t.cleanup());

class FlakyNotifier implements NotifierPort {
  down = true;
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly delivered: OutboxMessage[] = [];

  async deliver(message: OutboxMessage): Promise<void> {
    this.calls += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      if (this.down) throw new UnavailableError(`delivering ${message.outboxId}: network error talking to Telegram`);
      this.delivered.push(message);
    } finally {
      this.inFlight -= 1;
    }
  }
}

async function setup(rows: number) {
  t = createTempStore('conveyor-outage-');
  const clock = { t: Date.UTC(2026, 0, 5, 12), now: () => clock.t };
  for (let i = 0; i < rows; i++) await t.store.transaction(async (tx) => await addOutbox(tx, 'notice', `SHOP-${i % 10}`, { text: `note ${i}` }, clock.t));
  const notifier = new FlakyNotifier();
  const drain = new OutboxDrain({ store: t.store, notifier, clock, logger: silentLogger }, 500);
  const rowsByState = () => t.store.sqlite.prepare('SELECT state, attempts, error FROM outbox').all() as { state: string; attempts: number; error: string | null }[];
  return { clock, notifier, drain, rowsByState };
}

describe('the outbox through an outage', () => {
  it('keeps every message through an hour-long outage, probing one at a time at most every 5 s', async () => {
    const { clock, notifier, drain, rowsByState } = await setup(20);
    const seconds = 3600;
    await drain.drainOnce(); // the outage begins: each lane in flight fails once
    expect(notifier.calls).toBeLessThanOrEqual(8);
    notifier.calls = 0;
    notifier.maxInFlight = 0;
    for (let s = 0; s < seconds; s++) {
      await drain.drainOnce();
      clock.t += 1000;
    }
    const rows = rowsByState();
    expect(rows.every((r) => r.state === 'pending' && r.attempts === 0)).toBe(true);
    expect(rows.some((r) => r.error?.includes('network error talking to Telegram'))).toBe(true);
    expect(notifier.maxInFlight).toBe(1);
    // 1 s, 2 s, 4 s, then every 5 s: about 720 probes in an hour, never more than one a second.
    expect(notifier.calls).toBeLessThanOrEqual(seconds / (OUTAGE_CAP_MS / 1000) + 5);
    expect(notifier.calls).toBeGreaterThan(seconds / (OUTAGE_CAP_MS / 1000) - 5);
    expect(drain.pausedSince()).not.toBeNull();

    notifier.down = false;
    clock.t += OUTAGE_CAP_MS;
    await drain.drainOnce(); // the probe succeeds; the rest of the pass delivers everything
    await drain.drainOnce();
    expect(notifier.delivered).toHaveLength(20);
    expect(rowsByState().every((r) => r.state === 'done')).toBe(true);
    expect(drain.pausedSince()).toBeNull();
  });

  it('resume() probes at once instead of at the next step', async () => {
    const { notifier, drain } = await setup(3);
    await drain.drainOnce();
    const first = notifier.calls;
    await drain.drainOnce(); // paused: no call
    expect(notifier.calls).toBe(first);
    notifier.down = false;
    drain.resume(); // not started: only clears the pause
    await drain.drainOnce();
    await drain.drainOnce();
    expect(notifier.delivered).toHaveLength(3);
  });
});
