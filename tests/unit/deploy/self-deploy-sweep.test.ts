/**
 * The start-time sweep of self-deploy result files (app/self-deploy-sweep.ts) over real detached
 * hook processes, a real SQLite queue and real result files: a run that ended while no deploy job
 * of its task is active (the task was cancelled or escalated meanwhile) is said once in the log and
 * acknowledged; a run with an active deploy job, or still running, is left to its job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ProcessDeployHook } from '../../../adapters/deploy/process-deploy-hook.ts';
import { sweepOrphanedSelfDeploys } from '../../../app/self-deploy-sweep.ts';
import type { DeployHookEnv, DeployRunRef } from '../../../core/ports/deploy-hook.ts';
import { silentLogger, type Logger } from '../../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../../adapters/store-sqlite/sqlite-job-queue.ts';
import { openStore, type SqliteStore as Store } from '../../../adapters/store-sqlite/sqlite-store.ts';
import { waitFor } from '../../support/conveyor-harness.ts';

let dir = '';
let store: Store | null = null;
const groups: number[] = [];
afterEach(() => {
  for (const pid of groups.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

const env = (taskId: string): DeployHookEnv => ({
  sourceImage: 'conveyor/shop:abc',
  targetImage: 'shop:abc',
  expectedRevision: 'abc',
  previousImage: null,
  taskId,
  projectId: 'SHOP',
  dockerHost: '',
});

it('reports and acknowledges only the ended runs no deploy job will finish', async () => {
  dir = mkdtempSync(join(tmpdir(), 'conveyor-self-sweep-'));
  store = openStore(join(dir, 'c.db'));
  const queue = new JobQueue(store);
  const hooks = new ProcessDeployHook({ workDir: join(dir, 'work'), baseEnv: { PATH: process.env.PATH, HOME: dir } });
  const run = (taskId: string): DeployRunRef => ({ taskId, attempt: 1, purpose: 'deploy' });
  const start = async (taskId: string, hook: string) => {
    const started = await hooks.startDetached({ hook, cwd: dir, env: env(taskId), timeoutMs: 60_000 }, run(taskId));
    if (started.type !== 'started') throw new Error(started.error);
    groups.push(started.pid);
  };
  await start('SHOP-1', 'echo replaced conveyor; exit 0'); // its task was cancelled meanwhile: no job
  await start('SHOP-2', 'exit 0'); // its deferred deploy job is still queued
  await start('SHOP-3', 'sleep 30'); // still running
  await start('SHOP-4', 'kill -9 0'); // the wrapper killed: no result written, no job
  await queue.enqueue({ kind: 'deploy', taskId: 'SHOP-2', payload: { attempt: 1 }, idempotencyKey: 'SHOP-2:deploy:1' }, Date.now());
  const ended = async () => {
    const states = await Promise.all(['SHOP-1', 'SHOP-2', 'SHOP-4'].map((id) => hooks.readSelfDeploy(run(id))));
    return states.every((s) => s?.type === 'finished' || s?.type === 'vanished');
  };
  await waitFor(ended, 15_000, () => 'the hooks of SHOP-1, SHOP-2 and SHOP-4 to end');

  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (_fields, message) => void warnings.push(message) };
  expect(await sweepOrphanedSelfDeploys({ hooks, queue, logger })).toBe(2);
  expect(warnings).toEqual([
    expect.stringMatching(/^the self-deploy hook of SHOP-1 \(deploy attempt 1\) exited with 0 at .*no deploy job will finish it .*check production$/),
    expect.stringMatching(/^the self-deploy hook of SHOP-4 \(deploy attempt 1\) ended without writing its result \(killed\?\), but no deploy job/),
  ]);
  expect((await hooks.listPendingSelfDeploys()).map((p) => [p.taskId, p.state.type])).toEqual([
    ['SHOP-2', 'finished'],
    ['SHOP-3', 'running'],
  ]);
  // Said once: a later start finds nothing new.
  expect(await sweepOrphanedSelfDeploys({ hooks, queue, logger })).toBe(0);
  expect(warnings).toHaveLength(2);
}, 60_000);
