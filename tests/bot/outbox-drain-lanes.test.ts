/**
 * The outbox drain's lanes on a real SQLite file: different tasks' rows go out concurrently
 * (bounded), one task's rows one at a time and in order, only a task's newest card row is sent,
 * and a row waiting for its retry holds the task's later rows back (cards excepted).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../core/notify/outbox-message.ts';
import { OutboxDrain } from '../../core/notify/outbox-drain.ts';
import { RetryableError } from '../../core/errors.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { NotifierPort } from '../../core/ports/notifier.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';
import { createTempStore, type TempStore } from '../support/temp-store.ts';

let t: TempStore;
afterEach(() => t.cleanup());

/** A notifier that takes `delayMs` per message and records what overlapped. */
class RecordingNotifier implements NotifierPort {
  readonly delivered: OutboxMessage[] = [];
  readonly failing = new Set<number>();
  maxInFlight = 0;
  private inFlight = 0;
  private readonly perTask = new Map<string, number>();
  overlapsWithinTask = 0;

  constructor(private readonly delayMs: number) {}

  async deliver(message: OutboxMessage): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const busy = (this.perTask.get(message.taskId) ?? 0) + 1;
    if (busy > 1) this.overlapsWithinTask += 1;
    this.perTask.set(message.taskId, busy);
    try {
      await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failing.has(message.outboxId))
        throw new RetryableError(`delivering ${message.outboxId}: Telegram rate limit`, 60_000);
      this.delivered.push(message);
    } finally {
      this.inFlight -= 1;
      this.perTask.set(message.taskId, busy - 1);
    }
  }
}

async function add(kind: 'card' | 'notice', taskId: string): Promise<number> {
  await t.store.transaction(async (tx) =>
    await addOutbox(tx, kind, taskId, kind === 'notice' ? { text: `${taskId} note` } : {}, Date.now()),
  );
  return (t.store.sqlite.prepare('SELECT MAX(id) AS id FROM outbox').get() as { id: number }).id;
}

const states = () =>
  Object.fromEntries(
    (t.store.sqlite.prepare('SELECT id, state FROM outbox').all() as { id: number; state: string }[]).map(
      (r) => [r.id, r.state],
    ),
  );

describe('outbox drain lanes', () => {
  it('delivers tasks concurrently (bounded), each task in order, only its newest card', async () => {
    t = createTempStore();
    const ids = new Map<string, number[]>();
    for (const task of ['A-1', 'B-1', 'C-1', 'D-1', 'E-1', 'F-1'])
      ids.set(task, [await add('notice', task), await add('card', task), await add('notice', task), await add('card', task)]);
    const notifier = new RecordingNotifier(25);
    const drain = new OutboxDrain(
      { store: t.store, notifier, clock: systemClock, logger: silentLogger },
      500,
      3,
    );

    const started = Date.now();
    expect(await drain.drainOnce()).toBe(18);
    const took = Date.now() - started;
    expect(notifier.maxInFlight).toBe(3);
    expect(notifier.overlapsWithinTask).toBe(0);
    expect(took).toBeLessThan(18 * 25); // faster than one at a time
    for (const [task, [n1, c1, n2, c2]] of ids) {
      expect(notifier.delivered.filter((m) => m.taskId === task).map((m) => m.outboxId)).toEqual([
        n1,
        n2,
        c2,
      ]); // c1 coalesced into c2
      expect(states()[c1!]).toBe('done');
    }
  });

  it('holds a task’s later rows behind a row waiting for its retry, except its card', async () => {
    t = createTempStore();
    const first = await add('notice', 'A-1');
    const second = await add('notice', 'A-1');
    const card = await add('card', 'A-1');
    const other = await add('notice', 'B-1');
    const notifier = new RecordingNotifier(1);
    notifier.failing.add(first);
    const drain = new OutboxDrain(
      { store: t.store, notifier, clock: systemClock, logger: silentLogger },
      500,
      4,
    );

    await drain.drainOnce(); // the first fails: its lane stops there; B is not held up
    expect(notifier.delivered.map((m) => m.outboxId)).toEqual([other]);
    expect(states()).toMatchObject({ [first]: 'pending', [second]: 'pending', [card]: 'pending' });

    await drain.drainOnce(); // the first waits 60 s: the second stays behind it, the card goes
    expect(notifier.delivered.map((m) => m.outboxId)).toEqual([other, card]);
    expect(states()[second]).toBe('pending');

    notifier.failing.clear();
    t.store.sqlite.prepare('UPDATE outbox SET available_at = 0 WHERE id = ?').run(first);
    await drain.drainOnce();
    expect(notifier.delivered.map((m) => m.outboxId)).toEqual([other, card, first, second]);
    expect(Object.values(states()).every((s) => s === 'done')).toBe(true);
  });
});
