/**
 * The card refresher on a real store and queue: a card row per task whose agent is running, none
 * for a queued agent, no second row while one waits, nothing after stop; once a minute by default.
 * And the minute-granular card ages that make a refresh without news an unchanged render.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_REFRESH_MS, CardRefresher } from '../../bot/telegram/card-refresher.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { outbox } from '../../adapters/store-sqlite/schema.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness;
afterEach(() => h.cleanup());

async function create(n: number): Promise<string> {
  const outcome = await h.handle({
    type: 'TaskRequested',
    key: `new:${n}`,
    projectId: 'SHOP',
    title: `Task ${n}`,
    source: 'chat',
    actor: 'telegram:111',
  });
  if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
  return outcome.taskId;
}

const refreshRows = (taskId: string, state = 'pending') =>
  h.store.readDb
    .select()
    .from(outbox)
    .where(and(eq(outbox.kind, 'card'), eq(outbox.taskId, taskId), eq(outbox.state, state)))
    .all()
    .filter((r) => r.payload.reason === 'refresh');

function settleCards(): void {
  h.store.sqlite.prepare(`UPDATE outbox SET state = 'done' WHERE kind = 'card'`).run();
}

describe('card refresher', () => {
  it('queues one card row per task with a running agent, and only one while it waits', async () => {
    h = engineHarness();
    const running = await create(1);
    const queued = await create(2);
    settleCards();
    const job = await h.queue.claim(['agent'], 'worker-1', h.clock.now(), 60_000);
    expect(job?.taskId).toBe(running);
    const refresher = new CardRefresher({
      store: h.store,
      queue: h.queue,
      clock: h.clock,
      logger: silentLogger,
    });

    expect(await refresher.tick()).toBe(1);
    expect(refreshRows(running)).toHaveLength(1);
    expect(refreshRows(queued)).toHaveLength(0); // its agent has not started: nothing moves on its card
    expect(await refresher.tick()).toBe(0); // the first row has not been delivered yet
    expect(refreshRows(running)).toHaveLength(1);

    settleCards();
    expect(await refresher.tick()).toBe(1);
    await h.store.transaction(async (tx) => await h.queue.completeInTx(tx, job!.id, 'worker-1', h.clock.now()));
    settleCards();
    expect(await refresher.tick()).toBe(0); // the agent finished: nothing to refresh
  });

  it('refreshes the card of a task with an active deploy job, queued too (a self-deploy waits deferred while its hook runs)', async () => {
    h = engineHarness();
    const deploying = await create(1);
    settleCards();
    h.store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = ?`).run(deploying);
    const refresher = new CardRefresher({ store: h.store, queue: h.queue, clock: h.clock, logger: silentLogger });
    expect(await refresher.tick()).toBe(0);
    await h.queue.enqueue({ kind: 'deploy', taskId: deploying, payload: { attempt: 1 }, idempotencyKey: `${deploying}:deploy:1` }, h.clock.now());
    expect(await refresher.tick()).toBe(1);
    expect(refreshRows(deploying)).toHaveLength(1);
  });

  it('runs once a minute by default, on its interval while started, and not after stop', async () => {
    expect(CARD_REFRESH_MS).toBe(60_000);
    h = engineHarness();
    const running = await create(1);
    settleCards();
    await h.queue.claim(['agent'], 'worker-1', h.clock.now(), 60_000);
    let woken = 0;
    const refresher = new CardRefresher({
      store: h.store,
      queue: h.queue,
      clock: h.clock,
      logger: silentLogger,
      intervalMs: 20,
      onQueued: () => void (woken += 1),
    });
    refresher.start();
    await new Promise((r) => setTimeout(r, 120));
    expect(refreshRows(running)).toHaveLength(1);
    expect(woken).toBe(1);
    refresher.stop();
    settleCards();
    await new Promise((r) => setTimeout(r, 80));
    expect(refreshRows(running)).toHaveLength(0);
  });

  it('renders a running card the same within a minute, so a refresh without news sends nothing', async () => {
    h = engineHarness();
    const id = await create(1);
    await h.queue.claim(['agent'], 'worker-1', h.clock.now(), 60_000);
    const view = (await buildCardView(h.store, h.queue, new Map([[h.project.id, h.project]]), id, 3, null))!;
    expect(view.waiting).toMatchObject({ type: 'agent', role: 'analyst', attempt: 1, state: 'running' });
    const at = (ms: number, logLine: string | null = 'step 1') =>
      renderCard(view, 'en', h.clock.now() + ms, 'html', { logLine });
    expect(at(0)).toContain('⏳ waiting for: analyst agent, running &lt;1 min — "step 1"');
    expect(at(59_000)).toBe(at(0));
    expect(at(60_000)).not.toBe(at(0));
    expect(at(60_000)).toContain('running 1 min');
    expect(at(119_000)).toBe(at(60_000));
    expect(at(60_000, 'step 2')).not.toBe(at(60_000)); // news in the log is worth an edit
  });
});
