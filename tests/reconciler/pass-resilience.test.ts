/**
 * The pass itself: it reads exactly the tasks that can need it (each once, page after page, across
 * stages and ties), an error on one task is logged and the pass goes on, and the loop runs passes
 * on its interval until stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../core/domain/task.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { ReconcilerPort } from '../../core/ports/reconciler.ts';
import { ReconcileLoop } from '../../core/reconciler/reconcile-loop.ts';
import { GRACE_MS, insertTasks, ReconcilerWorld, type SeedTask } from '../support/reconciler-harness.ts';

let world: ReconcilerWorld | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

function recordingLogger(lines: { level: string; fields: object; message: string }[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (fields, message) => void lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => void lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => void lines.push({ level: 'error', fields, message }),
    child: () => logger,
  };
  return logger;
}

describe('the pass', () => {
  it('examines every eligible task exactly once across pages, stages and equal timestamps, and nothing else', async () => {
    world = await ReconcilerWorld.start();
    const now = world.clock.now();
    const old = now - GRACE_MS - 1;
    const rows: SeedTask[] = [];
    const eligible: string[] = [];
    const stages = ['analysis', 'development', 'review', 'testing'];
    for (let i = 1; i <= 60; i++) {
      const stage = stages[i % stages.length]!;
      // Ten tasks share each timestamp, so pages split runs of equal updated_at.
      const base = { id: `SHOP-${i}`, stage, updatedAt: old - Math.floor(i / 10) };
      rows.push(base);
      eligible.push(base.id);
    }
    rows.push(
      { id: 'SHOP-101', stage: 'done', updatedAt: old },
      { id: 'SHOP-102', stage: 'cancelled', updatedAt: old },
      { id: 'SHOP-103', stage: 'review', updatedAt: old, escalated: true },
      { id: 'SHOP-104', stage: 'review', updatedAt: old, blocked: true },
      { id: 'SHOP-105', stage: 'review', updatedAt: now - GRACE_MS + 1 },
      { id: 'SHOP-106', stage: 'testing', updatedAt: old, job: 'queued' },
      { id: 'SHOP-107', stage: 'testing', updatedAt: old, job: 'running' },
    );
    insertTasks(world.store.sqlite, 'SHOP', rows);
    insertTasks(world.store.sqlite, 'SHOP', [{ id: 'SHOP-108', stage: 'testing', updatedAt: old, job: 'succeeded' }]);
    eligible.push('SHOP-108');
    const seen: string[] = [];
    const reconciler = world.reconciler({ pageSize: 7, extraProbes: [(task: Task) => (seen.push(task.id), { type: 'nothing' })] });
    const report = await reconciler.runPass({ dryRun: true, actor: 'x' });
    expect(report.examined).toBe(eligible.length);
    expect([...seen].sort()).toEqual([...eligible].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('an error on one task is logged and the pass goes on to the next', async () => {
    world = await ReconcilerWorld.start();
    const broken = await world.awaitingCi('1'.repeat(40));
    world.advance(10);
    const healthy = await world.awaitingCi('2'.repeat(40));
    await world.storeStatus('2'.repeat(40), 'success');
    const lines: { level: string; fields: object; message: string }[] = [];
    const explode = (task: Task) => {
      if (task.id === broken) throw new TypeError('probe exploded');
      return { type: 'nothing' as const };
    };
    world.advance(GRACE_MS);
    const reconciler = world.reconciler({ logger: recordingLogger(lines), extraProbes: [explode] });
    const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(report.skipped).toEqual([{ taskId: broken, reason: 'error: TypeError: probe exploded' }]);
    expect(report.unblocked.map((u) => u.taskId)).toEqual([healthy]);
    expect(lines).toContainEqual({ level: 'warn', fields: { task: broken, error: 'TypeError: probe exploded' }, message: 'reconciler: task failed; pass goes on' });
    expect(lines.filter((l) => l.message === 'reconciler unblocked a task')).toEqual([
      { level: 'info', fields: { task: healthy, reason: 'CI green on 2222222 (status not applied)', events: ['CiStatusReported'] }, message: 'reconciler unblocked a task' },
    ]);
  });
});

describe('the loop', () => {
  it('runs a pass every interval until stopped; a failed pass is logged and the next one still runs', async () => {
    let calls = 0;
    const port: ReconcilerPort = {
      runPass: async () => {
        calls += 1;
        if (calls === 2) throw new Error('database is locked');
        return { dryRun: false, startedAt: 0, durationMs: 0, examined: 0, unblocked: [], skipped: [] };
      },
    };
    const lines: { level: string; fields: object; message: string }[] = [];
    const loop = new ReconcileLoop(port, 10, recordingLogger(lines));
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    await loop.stop();
    const stoppedAt = calls;
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(lines).toContainEqual({ level: 'error', fields: { error: 'database is locked' }, message: 'reconciler pass failed' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(stoppedAt);
  });
});
