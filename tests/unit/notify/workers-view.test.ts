/**
 * The processes on a database (ADR 0055) on a real SQLite file: `/queue` (English and Russian),
 * the dashboard's queue page and `/metrics` show each open process — id, host, role, kinds, last
 * heartbeat, running jobs — and the leader; a silent process (killed, not swept) is shown, not
 * counted; stopped ones are gone; identifiers are escaped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../adapters/http/metrics.ts';
import { queueBody } from '../../../adapters/dashboard/queue-page.ts';
import { processSamples } from '../../../app/process-samples.ts';
import { renderQueue } from '../../../bot/render/render-queue.ts';
import { renderWorkers } from '../../../bot/render/render-workers.ts';
import { ALL_JOB_KINDS } from '../../../core/config/worker-kinds.ts';
import { buildQueueView } from '../../../core/notify/queue-view.ts';
import { buildWorkersView, liveByRole } from '../../../core/notify/workers-view.ts';
import { SqliteJobQueue as JobQueue } from '../../../adapters/store-sqlite/sqlite-job-queue.ts';
import { insertInstance, markInstanceStopped } from '../../../core/store/instance-repo.ts';
import { acquireLease } from '../../../core/store/lease-repo.ts';
import { englishWords } from '../../support/english-words.ts';
import { createTempStore, type TempStore } from '../../support/temp-store.ts';

const NOW = 1_800_000_000_000;
let temp: TempStore | null = null;
afterEach(() => temp?.cleanup());

/** A start (leader, all kinds), a ci worker on a host whose name needs escaping running two jobs, a silent worker, a stopped one. */
async function world(): Promise<TempStore> {
  const t = createTempStore();
  const { store } = t;
  const row = (id: string, host: string, role: string, kinds: string, heartbeatAt: number) => ({ id, host, pid: 1, processStart: null, bootId: null, startedAt: heartbeatAt - 1000, heartbeatAt, role, kinds });
  await store.transaction(async (tx) => {
    await insertInstance(tx, row('a:1:start', 'a', 'start', ALL_JOB_KINDS.join(','), NOW - 4000));
    await insertInstance(tx, row('b:2:w', 'b<i>&', 'worker', 'ci,staging', NOW - 2000));
    await insertInstance(tx, row('c:3:w', 'c', 'worker', 'agent', NOW - 120_000));
    await insertInstance(tx, row('d:4:w', 'd', 'worker', 'agent', NOW - 1000));
    await markInstanceStopped(tx, 'd:4:w', NOW - 500);
    await acquireLease(tx, 'leader', 'a:1:start', 15_000, NOW - 1000);
  });
  const queue = new JobQueue(store);
  for (const key of ['x', 'y']) {
    await queue.enqueue({ kind: 'ci', taskId: 'SHOP-1', payload: { sha: key }, idempotencyKey: key }, NOW - 10_000);
    expect(await queue.claim(['ci'], 'b:2:w', NOW - 9000, 600_000)).not.toBeNull();
  }
  return t;
}

describe('the processes on a database', () => {
  it('lists the open ones with their running jobs and the leader', async () => {
    temp = await world();
    const view = await buildWorkersView(temp.store.db);
    expect(view.leader).toEqual({ holder: 'a:1:start', expiresAt: NOW + 14_000 });
    expect(view.processes.map((p) => [p.id, p.role, p.kinds, p.runningJobs])).toEqual([
      ['c:3:w', 'worker', 'agent', 0],
      ['a:1:start', 'start', ALL_JOB_KINDS.join(','), 0],
      ['b:2:w', 'worker', 'ci,staging', 2],
    ]);
    expect(liveByRole(view, NOW)).toEqual({ start: 1, worker: 1 });
  });

  it('renders them in /queue, escaped, in English and in Russian without English words', async () => {
    temp = await world();
    const queueView = await buildQueueView(temp.store, new JobQueue(temp.store), 2);
    const en = renderQueue(queueView, 'en', NOW);
    expect(en).toContain('🖥 Processes: 2 live · 👑 leader <code>a:1:start</code>');
    expect(en).toContain('• <code>b:2:w</code> · <code>b&lt;i&gt;&amp;</code> · worker · <code>ci,staging</code> · ♥ 2 s ago · running 2');
    // The id starts with the host: the host is not said twice.
    expect(en).toContain('• <code>a:1:start</code> · start · all jobs · ♥ 4 s ago · running 0');
    expect(en).toContain('• <code>c:3:w</code> · worker · <code>agent</code> · ♥ 2 min ago ⚠️ silent · running 0');
    expect(en).not.toContain('d:4:w');
    expect(en).not.toContain('b<i>');
    const ru = renderWorkers(queueView.workers, 'ru', NOW).join('\n');
    expect(ru).toContain('исполнитель');
    // Ids, hosts and kinds are identifiers; everything else is wording.
    const identifiers = new Set<string>([...ALL_JOB_KINDS, 'b', 'i']);
    expect(englishWords(ru).filter((w) => !identifiers.has(w))).toEqual([]);
    expect(englishWords(renderWorkers(queueView.workers, 'en', NOW).join('\n'))).toContain('silent');
  });

  it('says when no start leads', async () => {
    temp = createTempStore();
    const view = await buildWorkersView(temp.store.db);
    expect(renderWorkers(view, 'en', NOW)).toEqual(['🖥 Processes: 0 live · 👑 leader none']);
  });

  it('shows them on the dashboard queue page, escaped', async () => {
    temp = await world();
    const html = queueBody(await buildQueueView(temp.store, new JobQueue(temp.store), 2), () => true, NOW).toString();
    expect(html).toContain('<section id="workers">');
    expect(html).toContain('Leader: <code>a:1:start</code>');
    expect(html).toContain('<code>b&lt;i&gt;&amp;</code>');
    expect(html).not.toContain('b<i>');
  });

  it('counts live processes by role and running jobs per live process in /metrics', async () => {
    temp = await world();
    const store = temp.store;
    const metrics = createMetrics({ processes: () => processSamples(store, NOW), processMetrics: false });
    const text = await metrics.registry.metrics();
    expect(text).toContain('conveyor_workers{role="start"} 1');
    expect(text).toContain('conveyor_workers{role="worker"} 1');
    expect(text).toContain('conveyor_worker_running_jobs{instance="b:2:w"} 2');
    expect(text).toContain('conveyor_worker_running_jobs{instance="a:1:start"} 0');
    // Silent and stopped processes have no series.
    expect(text).not.toContain('instance="c:3:w"');
    expect(text).not.toContain('instance="d:4:w"');
  });
});
