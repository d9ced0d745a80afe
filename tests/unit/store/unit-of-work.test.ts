/**
 * The asynchronous unit of work on real SQLite files (ADR 0050): commit on resolve, roll back on
 * reject, one transaction at a time per file (also across two connections of one process), a
 * nested call refused, reads outside a transaction never see an open one, after-commit hooks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../adapters/store-sqlite/sqlite-store.ts';
import { NestedTransactionError } from '../../../core/store/store.ts';
import { addOutbox, pendingOutbox } from '../../../core/store/outbox-repo.ts';
import { createTempStore, type TempStore } from '../../support/temp-store.ts';

const T0 = 1_000;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Store.transaction', () => {
  let temp: TempStore;
  afterEach(() => temp?.cleanup());

  it('commits when the function resolves and rolls everything back when it rejects', async () => {
    temp = createTempStore();
    const { store } = temp;
    await store.transaction(async (tx) => addOutbox(tx, 'card', 'SHOP-1', {}, T0));
    await expect(
      store.transaction(async (tx) => {
        await addOutbox(tx, 'card', 'SHOP-2', {}, T0);
        await tick();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await pendingOutbox(store.db, T0, 10)).map((r) => r.taskId)).toEqual(['SHOP-1']);
    expect(store.sqlite.inTransaction).toBe(false);
  });

  it('runs one transaction at a time: a second waits for the first to commit, across awaits', async () => {
    temp = createTempStore();
    const { store } = temp;
    const order: string[] = [];
    const first = store.transaction(async (tx) => {
      order.push('first begins');
      await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
      await tick();
      await tick();
      order.push('first ends');
    });
    const second = store.transaction(async (tx) => {
      order.push('second begins');
      await addOutbox(tx, 'card', 'SHOP-2', {}, T0);
      order.push('second ends');
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins', 'second ends']);
  });

  it('serialises two connections of one process to the same file instead of blocking the thread in BEGIN', async () => {
    temp = createTempStore();
    const other = temp.connect();
    const started = Date.now();
    await Promise.all(
      [temp.store, other, temp.store, other].map((s, i) =>
        s.transaction(async (tx) => {
          await addOutbox(tx, 'card', `SHOP-${i}`, {}, T0);
          await tick();
        }),
      ),
    );
    // A thread blocked in the busy handler would wait out the 5 s busy timeout and then fail.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await pendingOutbox(temp.store.db, T0, 10)).toHaveLength(4);
  });

  it('refuses a transaction started inside another one instead of waiting for itself', async () => {
    temp = createTempStore();
    const { store } = temp;
    await expect(store.transaction(async () => store.transaction(async () => 1))).rejects.toThrow(NestedTransactionError);
    // The outer one rolled back and released the lock: the store still works.
    expect(await store.transaction(async () => 2)).toBe(2);
  });

  it('a timer set inside a transaction may start its own once that one has ended', async () => {
    temp = createTempStore();
    const { store } = temp;
    const later: { run: Promise<number> | null } = { run: null };
    await store.transaction(async (tx) => {
      await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
      later.run = new Promise<number>((resolve, reject) => {
        setTimeout(() => {
          store.transaction(async () => 7).then(resolve, reject);
        }, 10);
      });
    });
    expect(await later.run).toBe(7);
  });

  it('reads outside the transaction see committed data only, never an open transaction', async () => {
    temp = createTempStore();
    const { store } = temp;
    let seenInside: number | null = null;
    const writing = store.transaction(async (tx) => {
      await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
      seenInside = (await pendingOutbox(tx, T0, 10)).length;
      await tick(); // the reader below runs while this transaction is open
      await tick();
    });
    await tick();
    const seenOutside = (await pendingOutbox(store.db, T0, 10)).length;
    await writing;
    expect(seenInside).toBe(1);
    expect(seenOutside).toBe(0);
    expect(await pendingOutbox(store.db, T0, 10)).toHaveLength(1);
  });

  it('the read handle refuses writes', async () => {
    temp = createTempStore();
    expect(() => temp.store.readSqlite.prepare(`DELETE FROM outbox`).run()).toThrow(/readonly|read-only|query_only|attempt to write/i);
  });

  it('runs after-commit hooks after a commit, never after a roll-back', async () => {
    temp = createTempStore();
    const { store } = temp;
    const heard: string[] = [];
    await store.transaction(async (tx) => {
      tx.afterCommit(() => heard.push(`committed, in transaction: ${String(store.sqlite.inTransaction)}`));
    });
    await store
      .transaction(async (tx) => {
        tx.afterCommit(() => heard.push('rolled back'));
        throw new Error('no');
      })
      .catch(() => undefined);
    expect(heard).toEqual(['committed, in transaction: false']);
  });

  it('works on :memory: (one connection for reads and writes)', async () => {
    const store = openStore(':memory:');
    try {
      await store.transaction(async (tx) => addOutbox(tx, 'card', 'SHOP-1', {}, T0));
      expect(await pendingOutbox(store.db, T0, 10)).toHaveLength(1);
      await expect(store.transaction(async () => store.transaction(async () => 1))).rejects.toThrow(NestedTransactionError);
    } finally {
      store.close();
    }
  });
});
