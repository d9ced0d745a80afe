/**
 * The one-tap roll-back in the engine (ADR 0034), on a real SQLite store: the claim and the job are
 * one transaction and happen once whatever the number of confirms; only deploy approvers, only the
 * project's latest production deploy; the outcome moves the image history only on success, and the
 * tracker hears of it when the task has an issue.
 */
import { afterEach, expect, it } from 'vitest';
import { currentProductionImage, deployImageHistory, recordDeployImage } from '../../core/store/deploy-image-repo.ts';
import { advanceRollback, rollbackOf } from '../../core/store/rollback-repo.ts';
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

function world() {
  h = engineHarness({ tracker: true, project: { stages: ['analysis', 'development', 'deploy-staging', 'deploy'], staging: { health: { command: 'true' } }, deploy } });
  const harness = h;
  harness.handle({ type: 'TaskRequested', key: 'new:1', projectId: 'SHOP', title: 'Wishlist', source: 'plane', externalId: 'issue-1', actor: 'plane' });
  harness.handle({ type: 'TaskRequested', key: 'new:2', projectId: 'SHOP', title: 'Gift cards', source: 'chat', actor: 'telegram:111' });
  harness.store.sqlite.prepare(`UPDATE tasks SET stage = 'done', phase = 'idle'`).run();
  harness.store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled'`).run();
  const deployed = (sha: string, taskId: string) =>
    harness.store.write((tx) =>
      recordDeployImage(tx, { projectId: 'SHOP', imageId: `sha256:${sha}`, ref: `registry.example/shop:${sha}`, sha, taskId, deployedAt: harness.clock.now(), outcome: 'deployed' }),
    );
  const jobs = () => harness.store.sqlite.prepare(`SELECT payload FROM jobs WHERE kind = 'rollback'`).all() as { payload: string }[];
  const ask = (key: string, actor: string, taskId = 'SHOP-1') => harness.handle({ type: 'RollbackRequested', key, taskId, rollbackId: `rb-${key}`, actor });
  return { h: harness, deployed, jobs, ask };
}

it('claims the roll-back and enqueues its job once; later confirms say who was first; non-approvers and stale cards are refused', () => {
  const w = world();
  w.deployed('a', 'SHOP-0');
  w.deployed('b', 'SHOP-1');
  expect(w.ask('p1', 'telegram:666:Mallory')).toMatchObject({ type: 'rejected' });
  expect(w.ask('p2', 'telegram:222:Bob', 'SHOP-2')).toMatchObject({ type: 'rejected', reason: "SHOP-2 is no longer SHOP's latest production deploy" });
  expect(w.jobs()).toHaveLength(0);

  expect(w.ask('c1', 'telegram:222:Bob')).toMatchObject({ type: 'applied' });
  expect(w.ask('c2', 'telegram:111:Alice')).toEqual({ type: 'already-decided', by: 'Bob', at: w.h.clock.now(), state: 'requested' });
  expect(w.jobs()).toHaveLength(1);
  expect(JSON.parse(w.jobs()[0]!.payload)).toEqual({ rollbackId: 'rb-c1' });
  expect(rollbackOf(w.h.store.db, 'SHOP-1')).toMatchObject({ by: 'telegram:222:Bob', state: 'requested', targetRef: 'registry.example/shop:a' });
  expect(transitionsOf(w.h.store.db, 'SHOP-1').at(-1)).toMatchObject({
    actor: 'telegram:222:Bob',
    reason: 'roll-back of production from registry.example/shop:b to registry.example/shop:a confirmed by Bob',
    eventKey: 'c1',
  });
});

it('records a rolled-back row only on success; every outcome is a notifying notice and a tracker comment', () => {
  const w = world();
  w.deployed('a', 'SHOP-0');
  w.deployed('b', 'SHOP-1');
  w.ask('c1', 'telegram:222:Bob');
  w.h.store.write((tx) => advanceRollback(tx, 'rb-c1', 'requested', 'hook-started'));
  const finished = w.h.handle({
    type: 'RollbackFinished',
    key: 'job:1:rollback',
    taskId: 'SHOP-1',
    rollbackId: 'rb-c1',
    facts: { outcome: 'rolled-back', reason: null, targetRef: 'registry.example/shop:a', imageId: 'sha256:a', sha: 'a', logTail: '' },
  });
  expect(finished.type).toBe('applied');
  expect(currentProductionImage(w.h.store.db, 'SHOP')).toMatchObject({ outcome: 'rolled-back', imageId: 'sha256:a', taskId: 'SHOP-1' });
  expect(rollbackOf(w.h.store.db, 'SHOP-1')?.state).toBe('rolled-back');
  const notices = w.h.store.sqlite.prepare(`SELECT payload FROM outbox WHERE kind = 'notice'`).all() as { payload: string }[];
  expect(notices.map((n) => JSON.parse(n.payload) as unknown)).toEqual([
    { text: '↩️ Rolled back SHOP-1 (asked by Bob): production runs registry.example/shop:a again and is healthy.', notify: true },
  ]);
  const comments = w.h.store.sqlite.prepare(`SELECT payload FROM jobs WHERE kind = 'tracker'`).all() as { payload: string }[];
  expect(comments.map((c) => JSON.parse(c.payload) as { action: string; externalId: string }).filter((c) => c.action === 'comment')).toMatchObject([
    { action: 'comment', externalId: 'conveyor-rollback-rolled-back' },
  ]);
  // A replayed or late verdict changes nothing more.
  const again = w.h.handle({
    type: 'RollbackFinished',
    key: 'job:2:rollback',
    taskId: 'SHOP-1',
    rollbackId: 'rb-c1',
    facts: { outcome: 'failed', reason: 'late', targetRef: 'registry.example/shop:a', imageId: 'sha256:a', sha: 'a', logTail: '' },
  });
  expect(again.type).toBe('noop');
  expect(deployImageHistory(w.h.store.db, 'SHOP').map((r) => r.outcome)).toEqual(['rolled-back', 'deployed', 'deployed']);
});

it("a new production deploy re-renders the card it replaces, so the older card's button goes at once", () => {
  const w = world();
  w.deployed('a', 'SHOP-0');
  w.deployed('b', 'SHOP-1');
  const cards = () => (w.h.store.sqlite.prepare(`SELECT task_id AS id FROM outbox WHERE kind = 'card' AND state = 'pending'`).all() as { id: string }[]).map((r) => r.id);
  w.h.store.sqlite.prepare(`DELETE FROM outbox`).run();
  finishHookPass(
    { store: w.h.store, clock: w.h.clock },
    { projectId: 'SHOP', taskId: 'SHOP-2', attempt: 1, sha: 'c', imageId: 'sha256:c', targetRef: 'registry.example/shop:c', result: { type: 'delivered', targetImage: 'registry.example/shop:c', imageId: 'sha256:c', report: '' } },
  );
  expect(cards()).toEqual(['SHOP-1']);
  expect(currentProductionImage(w.h.store.db, 'SHOP')?.taskId).toBe('SHOP-2');
  // A failed deploy leaves production, and the offer, where they were.
  w.h.store.sqlite.prepare(`DELETE FROM outbox`).run();
  finishHookPass(
    { store: w.h.store, clock: w.h.clock },
    { projectId: 'SHOP', taskId: 'SHOP-3', attempt: 1, sha: 'd', imageId: 'sha256:d', targetRef: 'registry.example/shop:d', result: { type: 'rollback', mustFix: 'x', history: 'failed', report: '' } },
  );
  expect(cards()).toEqual([]);
});

it('a confirmed roll-back waits while a deploy of the same project runs: two hooks never change production at once', async () => {
  const w = world();
  w.deployed('a', 'SHOP-0');
  w.deployed('b', 'SHOP-1');
  w.ask('c1', 'telegram:222:Bob');
  w.h.store.sqlite.prepare(`UPDATE tasks SET stage = 'deploy', phase = 'working' WHERE id = 'SHOP-2'`).run();
  const row = w.h.store.sqlite.prepare(`SELECT * FROM jobs WHERE kind = 'rollback'`).get() as Record<string, unknown>;
  const job = { ...row, taskId: row.task_id, payload: JSON.parse(String(row.payload)) as Record<string, unknown> } as unknown as JobRow;
  // Only what the job reads before it would check out the repository: anything further would throw.
  const deps = { store: w.h.store, projects: new Map([[w.h.project.id, w.h.project]]), deployHooks: {}, docker: {} } as unknown as JobDeps;
  const outcome = await rollbackJob(deps).run(job, new AbortController().signal);
  expect(outcome).toMatchObject({ type: 'defer', reason: 'the deploy of SHOP-2 is running; the roll-back of SHOP-1 waits' });
  expect(rollbackOf(w.h.store.db, 'SHOP-1')?.state).toBe('requested');
});
