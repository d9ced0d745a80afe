/**
 * The one-tap roll-back in the engine (ADR 0034), on a real SQLite store: the claim and the job are
 * one transaction and happen once whatever the number of confirms; only deploy approvers, only the
 * project's latest production deploy; the outcome moves the image history only on success, and the
 * tracker hears of it when the task has an issue.
 */
import { afterEach, expect, it } from 'vitest';
import { currentProductionImage, deployImageHistory, recordDeployImage } from '../../core/store/deploy-image-repo.ts';
import { advanceRollback, deployInProgress, rollbackOf } from '../../core/store/rollback-repo.ts';
import { beginDeployPass, recordApproved, recordApprovalRequested, recordHookStarted, type DeployState } from '../../core/deploy/deploy-state.ts';
import { saveDeployState } from '../../core/store/deploy-state-repo.ts';
import { deployJob } from '../../core/jobs/deploy-job.ts';
import { hookStarted, RollbackFirst } from '../../core/jobs/deploy-state-writes.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { finishHookPass } from '../../core/jobs/deploy-state-writes.ts';
import type { JobDeps } from '../../core/jobs/job-deps.ts';
import { rollbackJob } from '../../core/jobs/rollback-job.ts';
import type { JobRow } from '../../core/queue/job.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | null = null;
afterEach(() => {
  h?.cleanup();
  h = null;
});

const deploy = { image: 'registry.example/shop', hook: 'exit 0', health: { command: 'true' } };

async function world() {
  h = engineHarness({ tracker: true, project: { stages: ['analysis', 'development', 'deploy-staging', 'deploy'], staging: { health: { command: 'true' } }, deploy } });
  const harness = h;
  await harness.handle({ type: 'TaskRequested', key: 'new:1', projectId: 'SHOP', title: 'Wishlist', source: 'plane', externalId: 'issue-1', actor: 'plane' });
  await harness.handle({ type: 'TaskRequested', key: 'new:2', projectId: 'SHOP', title: 'Gift cards', source: 'chat', actor: 'telegram:111' });
  harness.store.sqlite.prepare(`UPDATE tasks SET stage = 'done', phase = 'idle'`).run();
  harness.store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled'`).run();
  const deployed = async (sha: string, taskId: string) =>
    await harness.store.transaction(async (tx) =>
      await recordDeployImage(tx, { projectId: 'SHOP', imageId: `sha256:${sha}`, ref: `registry.example/shop:${sha}`, sha, taskId, deployedAt: harness.clock.now(), outcome: 'deployed' }),
    );
  const jobs = () => harness.store.sqlite.prepare(`SELECT payload FROM jobs WHERE kind = 'rollback'`).all() as { payload: string }[];
  const ask = async (key: string, actor: string, taskId = 'SHOP-1') => await harness.handle({ type: 'RollbackRequested', key, taskId, rollbackId: `rb-${key}`, actor });
  return { h: harness, deployed, jobs, ask };
}

it('claims the roll-back and enqueues its job once; later confirms say who was first; non-approvers and stale cards are refused', async () => {
  const w = await world();
  await w.deployed('a', 'SHOP-0');
  await w.deployed('b', 'SHOP-1');
  expect(await w.ask('p1', 'telegram:666:Mallory')).toMatchObject({ type: 'rejected' });
  expect(await w.ask('p2', 'telegram:222:Bob', 'SHOP-2')).toMatchObject({ type: 'rejected', reason: "SHOP-2 is no longer SHOP's latest production deploy" });
  expect(w.jobs()).toHaveLength(0);

  expect(await w.ask('c1', 'telegram:222:Bob')).toMatchObject({ type: 'applied' });
  expect(await w.ask('c2', 'telegram:111:Alice')).toEqual({ type: 'already-decided', by: 'Bob', at: w.h.clock.now(), state: 'requested' });
  expect(w.jobs()).toHaveLength(1);
  expect(JSON.parse(w.jobs()[0]!.payload)).toEqual({ rollbackId: 'rb-c1' });
  expect(await rollbackOf(w.h.store.db, 'SHOP-1')).toMatchObject({ by: 'telegram:222:Bob', state: 'requested', targetRef: 'registry.example/shop:a' });
  expect((await transitionsOf(w.h.store.db, 'SHOP-1')).at(-1)).toMatchObject({
    actor: 'telegram:222:Bob',
    reason: 'roll-back of production from registry.example/shop:b to registry.example/shop:a confirmed by Bob',
    eventKey: 'c1',
  });
});

it('records a rolled-back row only on success; every outcome is a notifying notice and a tracker comment', async () => {
  const w = await world();
  await w.deployed('a', 'SHOP-0');
  await w.deployed('b', 'SHOP-1');
  await w.ask('c1', 'telegram:222:Bob');
  await w.h.store.transaction(async (tx) => await advanceRollback(tx, 'rb-c1', 'requested', 'hook-started'));
  const finished = await w.h.handle({
    type: 'RollbackFinished',
    key: 'job:1:rollback',
    taskId: 'SHOP-1',
    rollbackId: 'rb-c1',
    facts: { outcome: 'rolled-back', reason: null, targetRef: 'registry.example/shop:a', imageId: 'sha256:a', sha: 'a', logTail: '' },
  });
  expect(finished.type).toBe('applied');
  expect(await currentProductionImage(w.h.store.db, 'SHOP')).toMatchObject({ outcome: 'rolled-back', imageId: 'sha256:a', taskId: 'SHOP-1' });
  expect((await rollbackOf(w.h.store.db, 'SHOP-1'))?.state).toBe('rolled-back');
  const notices = w.h.store.sqlite.prepare(`SELECT payload FROM outbox WHERE kind = 'notice'`).all() as { payload: string }[];
  expect(notices.map((n) => JSON.parse(n.payload) as unknown)).toEqual([
    { text: '↩️ Rolled back SHOP-1 (asked by Bob): production runs registry.example/shop:a again and is healthy.', notify: true },
  ]);
  const comments = w.h.store.sqlite.prepare(`SELECT payload FROM jobs WHERE kind = 'tracker'`).all() as { payload: string }[];
  expect(comments.map((c) => JSON.parse(c.payload) as { action: string; externalId: string }).filter((c) => c.action === 'comment')).toMatchObject([
    { action: 'comment', externalId: 'conveyor-rollback-rolled-back' },
  ]);
  // A replayed or late verdict changes nothing more.
  const again = await w.h.handle({
    type: 'RollbackFinished',
    key: 'job:2:rollback',
    taskId: 'SHOP-1',
    rollbackId: 'rb-c1',
    facts: { outcome: 'failed', reason: 'late', targetRef: 'registry.example/shop:a', imageId: 'sha256:a', sha: 'a', logTail: '' },
  });
  expect(again.type).toBe('noop');
  expect((await deployImageHistory(w.h.store.db, 'SHOP')).map((r) => r.outcome)).toEqual(['rolled-back', 'deployed', 'deployed']);
});

it("a new production deploy re-renders the card it replaces, so the older card's button goes at once", async () => {
  const w = await world();
  await w.deployed('a', 'SHOP-0');
  await w.deployed('b', 'SHOP-1');
  const cards = () => (w.h.store.sqlite.prepare(`SELECT task_id AS id FROM outbox WHERE kind = 'card' AND state = 'pending'`).all() as { id: string }[]).map((r) => r.id);
  w.h.store.sqlite.prepare(`DELETE FROM outbox`).run();
  await finishHookPass(
    { store: w.h.store, clock: w.h.clock },
    { projectId: 'SHOP', taskId: 'SHOP-2', attempt: 1, sha: 'c', imageId: 'sha256:c', targetRef: 'registry.example/shop:c', result: { type: 'delivered', targetImage: 'registry.example/shop:c', imageId: 'sha256:c', report: '' } },
  );
  expect(cards()).toEqual(['SHOP-1']);
  expect((await currentProductionImage(w.h.store.db, 'SHOP'))?.taskId).toBe('SHOP-2');
  // A failed deploy leaves production, and the offer, where they were.
  w.h.store.sqlite.prepare(`DELETE FROM outbox`).run();
  await finishHookPass(
    { store: w.h.store, clock: w.h.clock },
    { projectId: 'SHOP', taskId: 'SHOP-3', attempt: 1, sha: 'd', imageId: 'sha256:d', targetRef: 'registry.example/shop:d', result: { type: 'rollback', mustFix: 'x', history: 'failed', report: '' } },
  );
  expect(cards()).toEqual([]);
});

/** SHOP-2 in `deploy`/`working`, approved for attempt 1; `started` also marks its hook as started. */
async function deploying(w: Awaited<ReturnType<typeof world>>, started: boolean): Promise<void> {
  w.h.store.sqlite.prepare(`UPDATE tasks SET stage = 'deploy', phase = 'working' WHERE id = 'SHOP-2'`).run();
  const ok = (u: { type: string; state?: DeployState }): DeployState => {
    if (u.type !== 'ok' || !u.state) throw new Error('deploy state refused');
    return u.state;
  };
  let state = ok(recordApproved(ok(recordApprovalRequested(beginDeployPass(null, 'SHOP-2', 'c'), 1, 'ap-1')), 1, 'ap-1', '222'));
  if (started) state = ok(recordHookStarted(state, 1, w.h.clock.now()));
  await w.h.store.transaction(async (tx) => await saveDeployState(tx, state, w.h.clock.now()));
}

function jobRow(w: Awaited<ReturnType<typeof world>>, kind: string, extra: Record<string, unknown> = {}): JobRow {
  const row = w.h.store.sqlite.prepare(`SELECT * FROM jobs WHERE kind = ?`).get(kind) as Record<string, unknown>;
  return { ...row, taskId: row.task_id, lastError: row.last_error, payload: JSON.parse(String(row.payload)) as Record<string, unknown>, ...extra } as unknown as JobRow;
}

it('a confirmed roll-back waits while a deploy hook of the same project runs: two hooks never change production at once', async () => {
  const w = await world();
  await w.deployed('a', 'SHOP-0');
  await w.deployed('b', 'SHOP-1');
  await w.ask('c1', 'telegram:222:Bob');
  await deploying(w, true);
  const job = jobRow(w, 'rollback');
  // Only what the job reads before it would check out the repository: anything further would throw.
  const deps = { store: w.h.store, projects: new Map([[w.h.project.id, w.h.project]]), deployHooks: {}, docker: {} } as unknown as JobDeps;
  const outcome = await rollbackJob(deps).run(job, new AbortController().signal);
  expect(outcome).toMatchObject({ type: 'defer', reason: 'the deploy of SHOP-2 is running; the roll-back of SHOP-1 waits' });
  expect((await rollbackOf(w.h.store.db, 'SHOP-1'))?.state).toBe('requested');
});

it('a deploy that has not started its hook waits for a confirmed roll-back instead, and its card says so', async () => {
  const w = await world();
  await w.deployed('a', 'SHOP-0');
  await w.deployed('b', 'SHOP-1');
  await deploying(w, false);
  // Not a running deploy for the roll-back: the roll-back does not wait for it (no deadlock).
  expect(await deployInProgress(w.h.store.db, 'SHOP')).toBeNull();
  await w.ask('c1', 'telegram:222:Bob');
  w.h.store.sqlite
    .prepare(`INSERT INTO jobs (kind, task_id, payload, state, attempts, max_attempts, available_at, idempotency_key, created_at, updated_at) VALUES ('deploy', 'SHOP-2', '{"attempt":1}', 'running', 1, 5, 0, 'deploy:SHOP-2:1', 0, 0)`)
    .run();
  const cards = () => (w.h.store.sqlite.prepare(`SELECT task_id AS id FROM outbox WHERE kind = 'card' AND state = 'pending' AND task_id = 'SHOP-2'`).all()).length;
  w.h.store.sqlite.prepare(`DELETE FROM outbox`).run();
  // Only what the job reads before it would take the merge lease: anything further would throw.
  const deps = { store: w.h.store, clock: w.h.clock, projects: new Map([[w.h.project.id, w.h.project]]), deployHooks: {}, docker: {} } as unknown as JobDeps;
  const reason = 'the roll-back of SHOP-1 is running; the deploy of SHOP-2 waits';
  expect(await deployJob(deps).run(jobRow(w, 'deploy'), new AbortController().signal)).toEqual({ type: 'defer', delayMs: 10_000, reason });
  expect(cards()).toBe(1);
  // Deferred again with the same reason: the card is not re-sent every poll.
  await deployJob(deps).run(jobRow(w, 'deploy', { lastError: reason }), new AbortController().signal);
  expect(cards()).toBe(1);
  const view = await buildCardView(w.h.store, w.h.queue, new Map([[w.h.project.id, w.h.project]]), 'SHOP-2', 2, null);
  expect(view?.waiting).toEqual({ type: 'deploy-after-rollback', rollbackOf: 'SHOP-1' });
  expect(renderCard(view!, 'en', w.h.clock.now(), 'text')).toContain('⏳ waiting for: the roll-back of SHOP-1 to finish before deploying');
  expect(renderCard(view!, 'ru', w.h.clock.now(), 'text')).toContain('⏳ ждём окончания отката SHOP-1, потом деплой');
  // A roll-back confirmed after the deploy's first look still stops its hook from starting.
  await expect(hookStarted(deps, 'SHOP', 'SHOP-2', 1)).rejects.toThrow(RollbackFirst);
  await w.h.store.transaction(async (tx) => await advanceRollback(tx, 'rb-c1', 'requested', 'hook-started'));
  await expect(hookStarted(deps, 'SHOP', 'SHOP-2', 1)).rejects.toThrow(RollbackFirst);
  // Once the roll-back ended, the deploy goes on (here: as far as the merge lease, which these deps lack).
  await w.h.store.transaction(async (tx) => await advanceRollback(tx, 'rb-c1', 'hook-started', 'failed', 'x'));
  await expect(deployJob(deps).run(jobRow(w, 'deploy'), new AbortController().signal)).rejects.toThrow();
  await hookStarted(deps, 'SHOP', 'SHOP-2', 1);
  expect(await deployInProgress(w.h.store.db, 'SHOP')).toBe('SHOP-2');
});
