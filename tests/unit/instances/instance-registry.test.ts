/**
 * The instance lock and the fast reclaim, on a real SQLite file and real processes: a live
 * instance of this host refuses a second one; a dead one (its process gone, or its pid reused by
 * another process) is marked stopped, its running jobs' leases expire at once and the merge lease
 * of the task it was merging is freed; an instance of another host is left to its leases.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { procProcessProbe } from '../../../adapters/process/proc-process-probe.ts';
import { readProcessStat } from '../../../adapters/agents/process-table.ts';
import { InstanceHeartbeat, registerInstance } from '../../../core/instances/instance-registry.ts';
import { silentLogger } from '../../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../../adapters/store-sqlite/sqlite-job-queue.ts';
import { insertInstance, openInstances } from '../../../core/store/instance-repo.ts';
import { acquireLease, listLeases } from '../../../core/store/lease-repo.ts';
import { createTempStore, type TempStore } from '../../support/temp-store.ts';

const clock = { now: () => Date.now() };
let temp: TempStore | null = null;
afterEach(() => temp?.cleanup());

/** A real process that ran and is gone now: its pid, start time and boot id. */
async function deadProcess(): Promise<{ pid: number; processStart: string }> {
  const child = spawn('sleep', ['30']);
  const pid = child.pid ?? 0;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const stat = await readProcessStat(pid);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return { pid, processStart: stat?.startTime ?? '0' };
}

async function runningJob(queue: JobQueue, owner: string): Promise<number> {
  const now = clock.now();
  const id = await queue.enqueue({ kind: 'agent', taskId: 'SHOP-1', payload: {}, idempotencyKey: `k-${owner}` }, now) ?? 0;
  expect((await queue.claim(['agent'], owner, now, 600_000))?.id).toBe(id);
  return id;
}

describe('instance registry', () => {
  it('refuses a second live instance of this process and host', async () => {
    temp = createTempStore();
    const first = await registerInstance(temp.store, procProcessProbe, clock, 'first');
    expect(first.type).toBe('registered');
    const second = await registerInstance(temp.store, procProcessProbe, clock, 'second');
    expect(second).toMatchObject({ type: 'locked', holder: { id: 'first', pid: process.pid, host: hostname() } });
    expect((await openInstances(temp.store.db)).map((r) => r.id)).toEqual(['first']);
  });

  it('never refuses a worker, and a live worker never refuses a start; a second live start is still refused (ADR 0055)', async () => {
    temp = createTempStore();
    expect((await registerInstance(temp.store, procProcessProbe, clock, 'worker-1', { role: 'worker', kinds: 'ci' })).type).toBe('registered');
    expect((await registerInstance(temp.store, procProcessProbe, clock, 'worker-2', { role: 'worker', kinds: 'agent,ci' })).type).toBe('registered');
    expect((await registerInstance(temp.store, procProcessProbe, clock, 'start-1')).type).toBe('registered');
    expect((await registerInstance(temp.store, procProcessProbe, clock, 'worker-3', { role: 'worker', kinds: '' })).type).toBe('registered');
    expect(await registerInstance(temp.store, procProcessProbe, clock, 'start-2')).toMatchObject({ type: 'locked', holder: { id: 'start-1', role: 'start' } });
    const rows = await openInstances(temp.store.db);
    expect(rows.map((r) => [r.id, r.role, r.kinds]).sort()).toEqual([
      ['start-1', 'start', ''],
      ['worker-1', 'worker', 'ci'],
      ['worker-2', 'worker', 'agent,ci'],
      ['worker-3', 'worker', ''],
    ]);
  });

  it('lets a new instance start once the first stopped gracefully, and forgets instances stopped a month ago', async () => {
    temp = createTempStore();
    const monthAgo = { now: () => Date.now() - 31 * 24 * 3600_000 };
    await registerInstance(temp.store, procProcessProbe, monthAgo, 'old');
    await new InstanceHeartbeat({ store: temp.store, clock: monthAgo, logger: silentLogger }, 'old').stop();
    await registerInstance(temp.store, procProcessProbe, clock, 'first');
    await new InstanceHeartbeat({ store: temp.store, clock, logger: silentLogger }, 'first').stop();
    expect((await registerInstance(temp.store, procProcessProbe, clock, 'second')).type).toBe('registered');
    const ids = (temp.store.sqlite.prepare('SELECT id FROM instances ORDER BY started_at').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(['first', 'second']);
  });

  it('reclaims at once the leases of a dead instance and of one whose pid was reused', async () => {
    temp = createTempStore();
    const store = temp.store;
    const queue = new JobQueue(store);
    const self = procProcessProbe.self();
    const dead = await deadProcess();
    await store.transaction(async (tx) => {
      await insertInstance(tx, { id: 'dead', host: self.host, pid: dead.pid, processStart: dead.processStart, bootId: self.bootId, startedAt: 1, heartbeatAt: 1 });
      // Our own pid, but another start time: the pid was reused by this process.
      await insertInstance(tx, { id: 'reused', host: self.host, pid: process.pid, processStart: '1', bootId: self.bootId, startedAt: 1, heartbeatAt: 1 });
      await insertInstance(tx, { id: 'elsewhere', host: `${self.host}-other`, pid: 1, processStart: '1', bootId: 'x', startedAt: 1, heartbeatAt: 1 });
    });
    const deadJob = await runningJob(queue, 'dead');
    // The dead instance was merging SHOP-7: the project's merge lease is held by that task.
    const mergeJob = await queue.enqueue({ kind: 'merge', taskId: 'SHOP-7', payload: {}, idempotencyKey: 'merge-7' }, clock.now()) ?? 0;
    expect((await queue.claim(['merge'], 'dead', clock.now(), 600_000))?.id).toBe(mergeJob);
    await store.transaction(async (tx) => {
      await acquireLease(tx, 'merge:SHOP', 'SHOP-7', 1_800_000, clock.now());
      await acquireLease(tx, 'merge:OTHER', 'OTHER-1', 1_800_000, clock.now());
    });
    const reusedJob = await runningJob(queue, 'reused');
    const elsewhereJob = await runningJob(queue, 'elsewhere');

    const outcome = await registerInstance(store, procProcessProbe, clock, 'new');
    expect(outcome.type).toBe('registered');
    if (outcome.type !== 'registered') return;
    expect(outcome.reclaimed.map((r) => [r.instance.id, r.jobs]).sort()).toEqual([['dead', 2], ['reused', 1]]);
    expect((await listLeases(store.db)).map((l) => l.name)).toEqual(['merge:OTHER']);
    expect((await queue.claim(['merge'], 'new', clock.now(), 60_000))?.id).toBe(mergeJob);
    expect((await openInstances(store.db)).map((r) => r.id).sort()).toEqual(['elsewhere', 'new']);
    // The dead instances' jobs are claimable now (attempt counted); the other host's waits for its lease.
    const now = clock.now();
    const claimed = [await queue.claim(['agent'], 'new', now, 60_000), await queue.claim(['agent'], 'new', now, 60_000), await queue.claim(['agent'], 'new', now, 60_000)];
    expect(claimed.map((j) => j?.id ?? null).sort()).toEqual([deadJob, reusedJob, null].sort());
    expect(claimed[0]?.attempts).toBe(2);
    expect(await queue.getInTx(null, elsewhereJob)).toMatchObject({ state: 'running', leaseOwner: 'elsewhere' });
  });
});
