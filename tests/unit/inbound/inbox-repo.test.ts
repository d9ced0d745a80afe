import { mkdtempSync, rmSync } from 'node:fs';
import { mapInOrder } from '../../../core/map-in-order.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type SqliteStore as Store } from '../../../adapters/store-sqlite/sqlite-store.ts';
import { claimPending, countByState, inboxRetryDelayMs, insertDelivery, markFailed, markProcessed } from '../../../core/store/inbox-repo.ts';

const T0 = 1_772_000_000_000;
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'conveyor-inbox-'));
  store = openStore(join(dir, 'inbox.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const delivery = (deliveryId: string, now = T0, extra: { processed?: boolean; source?: 'gitea' | 'plane' } = {}) => ({
  source: extra.source ?? ('gitea' as const),
  deliveryId,
  event: 'push',
  payload: `{"id":"${deliveryId}"}`,
  now,
  ...(extra.processed ? { processed: true } : {}),
});

describe('inbox repository', () => {
  it('stores a delivery once and reports the second as a duplicate of the same row', async () => {
    const first = await insertDelivery(store, delivery('a'));
    const second = await insertDelivery(store, { ...delivery('a'), payload: '{"other":1}' });
    expect(first.type).toBe('stored');
    expect(second).toEqual({ type: 'duplicate', id: first.id });
    expect(await claimPending(store, T0, 10)).toEqual([
      expect.objectContaining({ id: first.id, payload: '{"id":"a"}', receivedAt: T0, availableAt: T0, attempts: 0, processedAt: null }),
    ]);
  });

  it('the same delivery id from another source is a different delivery', async () => {
    expect((await insertDelivery(store, delivery('a'))).type).toBe('stored');
    expect((await insertDelivery(store, delivery('a', T0, { source: 'plane' }))).type).toBe('stored');
  });

  it('a duplicate is detected across connections (two processes on one file)', async () => {
    const other = openStore(store.path);
    try {
      const first = await insertDelivery(store, delivery('x'));
      expect(await insertDelivery(other, delivery('x'))).toEqual({ type: 'duplicate', id: first.id });
    } finally {
      other.close();
    }
  });

  it('claims due, unprocessed rows oldest first, up to the limit', async () => {
    const ids = await mapInOrder(['a', 'b', 'c', 'd'], async (d, i) => (await insertDelivery(store, delivery(d, T0 + i))).id);
    await insertDelivery(store, delivery('ignored', T0, { processed: true }));
    await store.transaction((tx) => markProcessed(tx, ids[1]!, T0 + 10));
    expect((await claimPending(store, T0 + 10, 2)).map((r) => r.id)).toEqual([ids[0], ids[2]]);
    expect((await claimPending(store, T0 + 2, 10)).map((r) => r.id)).toEqual([ids[0], ids[2]]);
    expect(await claimPending(store, T0 - 1, 10)).toEqual([]);
  });

  it('a failure records the error, counts the attempt and backs off; the row is never dropped', async () => {
    const { id } = await insertDelivery(store, delivery('f'));
    expect(await markFailed(store, id, 'engine: boom', T0)).toEqual({ attempts: 1, availableAt: T0 + 1_000 });
    expect(await claimPending(store, T0 + 999, 10)).toEqual([]);
    expect(await claimPending(store, T0 + 1_000, 10)).toEqual([expect.objectContaining({ id, attempts: 1, error: 'engine: boom' })]);
    let now = T0;
    let last = { attempts: 0, availableAt: 0 };
    for (let i = 0; i < 30; i++) {
      now += 1;
      last = (await markFailed(store, id, 'again', now))!;
    }
    expect(last).toEqual({ attempts: 31, availableAt: now + 600_000 });
    expect((await claimPending(store, now + 600_000, 10)).map((r) => r.id)).toEqual([id]);
    await store.transaction((tx) => markProcessed(tx, id, now + 600_000));
    expect(await claimPending(store, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('a failure of an unknown row is reported, and long errors are cut', async () => {
    expect(await markFailed(store, 999, 'x', T0)).toBeNull();
    const { id } = await insertDelivery(store, delivery('long'));
    await markFailed(store, id, 'e'.repeat(10_000), T0);
    expect((await claimPending(store, T0 + 1_000, 1))[0]?.error).toHaveLength(2_000);
  });

  it('backoff doubles from 1 s and is capped at 10 min', () => {
    expect([1, 2, 3, 4, 10, 11, 50, 1e9].map(inboxRetryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 512_000, 600_000, 600_000, 600_000]);
    expect(inboxRetryDelayMs(0)).toBe(1_000);
  });

  it('counts rows by state', async () => {
    expect(await countByState(store)).toEqual({ pending: 0, retrying: 0, processed: 0 });
    const a = (await insertDelivery(store, delivery('a'))).id;
    await insertDelivery(store, delivery('b'));
    await insertDelivery(store, delivery('c', T0, { processed: true }));
    await markFailed(store, a, 'x', T0);
    expect(await countByState(store)).toEqual({ pending: 1, retrying: 1, processed: 1 });
  });

  it('stores unicode, NUL and injection text verbatim', async () => {
    const payload = JSON.stringify({ title: "🚀 \u202e'; DROP TABLE inbox; --", raw: '\u0000' }) + '\u0000tail';
    const { id } = await insertDelivery(store, { ...delivery("id'; --"), payload });
    expect((await claimPending(store, T0, 1))[0]).toMatchObject({ id, payload, deliveryId: "id'; --" });
  });
});
