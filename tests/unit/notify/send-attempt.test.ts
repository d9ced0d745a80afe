/**
 * ADR 0022 on a real SQLite file: the outbox records a posting send before it happens, so after a
 * crash between Telegram accepting it and the row being marked done, the redelivery logs that a
 * duplicate may exist (escalations, notices, approval requests); an answered failure settles the
 * attempt (no warning on its retry); edits are not recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxDrain } from '../../../core/notify/outbox-drain.ts';
import type { OutboxMessage } from '../../../core/notify/outbox-message.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import { RetryableError } from '../../../core/errors.ts';
import { addOutbox } from '../../../core/store/outbox-repo.ts';
import { createTempStore, type TempStore } from '../../support/temp-store.ts';

let temp: TempStore | null = null;
afterEach(() => temp?.cleanup());
const clock = { now: () => Date.now() };

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_fields, message) => lines.push(message),
    error: (_fields, message) => lines.push(message),
    child: () => logger,
  };
  return logger;
}

describe('send attempts', () => {
  it('after a crash mid-send, the redelivered escalation logs that a duplicate may exist', async () => {
    temp = createTempStore();
    await temp.store.transaction(async (tx) => {
      await addOutbox(tx, 'escalation', 'SHOP-1', { reason: 'CI failed three times' }, clock.now());
      await addOutbox(tx, 'approval-decided', 'SHOP-2', { approvalId: 'a1' }, clock.now());
    });
    // First life: Telegram accepts both, then the process dies before the rows are marked done.
    const sent: OutboxMessage[] = [];
    const first = new OutboxDrain({ store: temp.store, clock, logger: recordingLogger([]), notifier: { deliver: (m) => (sent.push(m), new Promise<void>(() => undefined)) } });
    void first.drainOnce();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent.map((m) => m.kind).sort()).toEqual(['approval-decided', 'escalation']);

    // Second life on the same file.
    const store = temp.reopen();
    const lines: string[] = [];
    const again: OutboxMessage[] = [];
    const second = new OutboxDrain({ store, clock, logger: recordingLogger(lines), notifier: { deliver: async (m) => void again.push(m) } });
    expect(await second.drainOnce()).toBe(2);
    expect(again.map((m) => m.kind).sort()).toEqual(['approval-decided', 'escalation']);
    expect(lines).toEqual(['a duplicate escalation message may exist for SHOP-1: an earlier send was not confirmed (the process died?)']);
  });

  it('a send Telegram refused is settled: its retry logs no duplicate', async () => {
    temp = createTempStore();
    const store = temp.store;
    await store.transaction(async (tx) => await addOutbox(tx, 'notice', 'SHOP-1', { text: 'hello' }, clock.now()));
    const lines: string[] = [];
    let calls = 0;
    const drain = new OutboxDrain({
      store,
      clock,
      logger: recordingLogger(lines),
      notifier: {
        deliver: async () => {
          calls += 1;
          if (calls === 1) throw new RetryableError('429', 0);
        },
      },
    });
    expect(await drain.drainOnce()).toBe(0);
    expect(await drain.drainOnce()).toBe(1);
    expect(calls).toBe(2);
    expect(lines).toEqual(['outbox delivery failed; will retry']);
  });
});
