/**
 * The same delivery sent 50 times at once over real sockets into the composed app (listener,
 * SQLite inbox, processor, engine): one inbox row, one transition, every request answered 2xx.
 * And Plane's way of resending (a new X-Plane-Delivery each time) still makes one task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inbox } from '../../adapters/store-sqlite/schema.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { fixture, planeHeaders } from '../http/webhook-harness.ts';
import { A1, A3, TASK, startWebhookApp, toAwaitingCi, type WebhookApp } from '../inbound/inbound-harness.ts';

const TIMES = 50;
let running: WebhookApp | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function fanOut(
  w: WebhookApp,
  path: string,
  body: string,
  headers: (i: number) => Record<string, string>,
) {
  return Promise.all(Array.from({ length: TIMES }, (_, i) => w.post(path, body, headers(i))));
}

describe('one delivery, 50 concurrent sends', () => {
  it('Plane issue created: one row, one task, one transition, one analyst job', async () => {
    const w = (running = await startWebhookApp());
    const { text, headers } = fixture('plane-issue-created');
    const answers = await fanOut(w, '/webhooks/plane', text, () => headers);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.map((a) => a.body.status).sort()).toEqual([
      'accepted',
      ...Array<string>(TIMES - 1).fill('duplicate'),
    ]);
    await w.drained();

    const rows = w.app.store.readDb.select().from(inbox).all().length;
    const log = await transitionsOf(w.app.store.db, TASK);
    const ok = answers.filter((a) => a.status >= 200 && a.status < 300).length;
    console.log(`[figure] one delivery id sent ${answers.length}× concurrently: answered 2xx ${ok}, inbox rows ${rows}, transitions ${log.length}`);
    expect(rows).toBe(1);
    expect(log).toHaveLength(1);
    expect(log[0]?.eventKey).toBe(`inbox:plane:${headers['X-Plane-Delivery']}`);
    expect((await w.app.queue.activeForTask(TASK)).map((j) => j.idempotencyKey)).toEqual(['SHOP-42:agent:analyst:1']);
  });

  it('Gitea push: one row and one "branch pushed" transition', async () => {
    const w = (running = await startWebhookApp());
    await toAwaitingCi(w.app, A1);
    const before = (await transitionsOf(w.app.store.db, TASK)).length;
    const { text, headers } = fixture('gitea-push');
    const answers = await fanOut(w, '/webhooks/gitea', text, () => headers);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await w.drained();

    expect(w.app.store.readDb.select().from(inbox).all()).toHaveLength(1);
    const added = (await transitionsOf(w.app.store.db, TASK)).slice(before);
    expect(added.map((t) => [t.reason, t.eventKey])).toEqual([
      ['branch pushed', `inbox:gitea:${headers['X-Gitea-Delivery']}`],
    ]);
    expect((await transitionsOf(w.app.store.db, TASK)).at(-1)?.toPhase).toBe('awaiting-ci');
    expect(
      (
        w.app.store.sqlite.prepare('SELECT head_sha AS head FROM tasks WHERE id = ?').get(TASK) as {
          head: string;
        }
      ).head,
    ).toBe(A3);
  });

  it('Plane resending the same issue under 50 delivery ids: 50 rows, still one task and one transition', async () => {
    const w = (running = await startWebhookApp());
    const { text } = fixture('plane-issue-created');
    const answers = await fanOut(w, '/webhooks/plane', text, (i) => planeHeaders(text, `resend-${i}`));
    expect(answers.every((a) => a.status === 200 && a.body.status === 'accepted')).toBe(true);
    await w.drained();

    expect(w.app.store.readDb.select().from(inbox).all()).toHaveLength(TIMES);
    expect(await transitionsOf(w.app.store.db, TASK)).toHaveLength(1);
    expect(w.app.store.sqlite.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 1 });
  });
});
