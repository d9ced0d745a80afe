/**
 * Self-deploy with real `conveyor start` processes (design §10, ADR 0027): the project's hook
 * SIGTERMs the running Conveyor (A), waits for it to stop, starts a new Conveyor (B) with the same
 * settings and exits 0. B finishes the deploy exactly once: health, `:current`, the report, one
 * merge, done, `📦 Delivered` on the card; a later start (C) does nothing more. A hook that stops
 * Conveyor and then dies mid-way (its wrapper killed, no exit code written) leaves production's
 * state unknown: the next start escalates, never delivers. Real processes, SQLite file, git remote
 * and Docker engine; Telegram through the Bot API sandbox.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../support/busybox-image.ts';
import { isRunning, waitFor } from '../support/conveyor-harness.ts';
import { deployStartWorld, type DeployStartWorld } from '../support/deploy-start-world.ts';
import { describeDocker } from '../support/describe-docker.ts';
import { remoteFile } from '../support/git-fixtures.ts';

const LABEL = 'conveyor.test.self-deploy-start';

describeDocker('self-deploy restarting the real conveyor start', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('selfdeploy');
  const stagingRepo = `conveyor-test-staging-${run}`;
  let imageId = '';
  let w: DeployStartWorld | null = null;
  let scratch = '';
  let worlds = 0;

  beforeAll(async () => {
    imageId = await buildBusyboxImage(docker, `${stagingRepo}:base`, { [LABEL]: run });
  }, 180_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
  }, 60_000);
  afterEach(async () => {
    await w?.close();
    w = null;
    rmSync(scratch, { recursive: true, force: true });
  });

  /**
   * A self-deploy world whose hook records its run, SIGTERMs the Conveyor named in the pid file,
   * waits for it to end, then runs `then` (a shell snippet; `sh "$scratch/restart.sh"` starts
   * Conveyor again with the same settings, as an operator's hook would).
   */
  async function world(then: (restart: string) => string) {
    scratch = mkdtempSync(join(tmpdir(), 'conveyor-self-deploy-'));
    const calls = join(scratch, 'calls');
    const pidFile = join(scratch, 'conveyor.pid');
    const prodRepo = `conveyor-test-prod-${run}-${(worlds += 1)}`;
    const hook = [
      `echo "run $$ $EXPECTED_REVISION" >> ${calls}`,
      `while [ ! -s ${pidFile} ]; do sleep 0.1; done`,
      `pid=$(cat ${pidFile}); kill -TERM $pid`,
      'while kill -0 $pid 2>/dev/null; do sleep 0.1; done',
      then(join(scratch, 'restart.sh')),
    ].join('; ');
    w = await deployStartWorld({ docker, dockerHost, imageId, stagingRepo, prodRepo, hook, self: true, restartDir: scratch });
    const x = w;
    const lines = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean) : []);
    const task = () =>
      x.query<{ stage: string; phase: string; escalated: number; escalation_reason: string | null }>(
        `SELECT stage, phase, escalated, escalation_reason FROM tasks WHERE id = ?`,
        x.taskId,
      )[0]!;
    const doneTransitions = () => x.query<{ n: number }>(`SELECT count(*) AS n FROM transitions WHERE task_id = ? AND to_stage = 'done'`, x.taskId)[0]!.n;
    /** Start A, tell the hook its pid, and wait for the hook to stop it. */
    const startAndLetTheHookStopIt = async () => {
      const a = await x.start();
      writeFileSync(pidFile, String(a.child.pid));
      const exited = await Promise.race([a.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 120_000))]);
      expect(exited, a.output()).toEqual({ code: 0, signal: null });
      return a;
    };
    return { x, lines, task, doneTransitions, prodRepo, startAndLetTheHookStopIt };
  }

  it('the hook restarts Conveyor; the new process completes the task exactly once', async () => {
    const s = await world((restart) => `sh ${restart}; echo restarted; exit 0`);
    const { x } = s;
    const a = await s.startAndLetTheHookStopIt();
    const started = Date.now();
    await waitFor(() => s.task().stage === 'done', 150_000, () => `B never delivered: ${JSON.stringify(s.task())}\n${readFileSync(x.restartLog, 'utf8')}`);
    const b = Number(readFileSync(x.restartPid, 'utf8'));
    expect(b).not.toBe(a.child.pid);
    expect(await isRunning(b)).toBe(true);
    console.log(`[figure] self-deploy: delivered by the restarted Conveyor ${Date.now() - started} ms after A stopped; hook runs ${s.lines().length}, done transitions ${s.doneTransitions()}`);
    expect(s.lines()).toHaveLength(1);
    expect(s.doneTransitions()).toBe(1);
    expect(x.query(`SELECT kind, state FROM jobs WHERE kind IN ('deploy', 'merge') ORDER BY id`)).toEqual([
      { kind: 'deploy', state: 'succeeded' },
      { kind: 'merge', state: 'succeeded' },
    ]);
    const sha = s.lines()[0]!.split(' ')[2]!;
    expect((await docker.inspectImage(`${s.prodRepo}:${sha}`))?.id).toBe(imageId);
    expect((await docker.inspectImage(`${s.prodRepo}:current`))?.id).toBe(imageId);
    const report = await remoteFile(x.h.git.remote, 'main', `docs/work-items/${x.taskId}/15-deploy-report.md`);
    expect(report).toContain('deploy_status: SUCCESS');
    expect(report).toContain('hook (detached): deployed');
    await waitFor(
      async () => (await x.botMessages()).some((m) => m.plain.startsWith(`🧩 ${x.taskId}`) && m.plain.includes('📦 Delivered')),
      30_000,
      () => 'no delivered card in the chat',
    );
    expect(existsSync(join(x.h.dir, 'work', 'deploys', x.taskId, '1-deploy', 'acknowledged'))).toBe(true);

    // B stops; a later start (C) finds nothing left to do.
    process.kill(b, 'SIGTERM');
    await waitFor(async () => !(await isRunning(b)), 30_000, () => 'B did not stop');
    const c = await x.start();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(s.lines()).toHaveLength(1);
    expect(s.doneTransitions()).toBe(1);
    expect(x.query(`SELECT count(*) AS n FROM jobs WHERE kind = 'merge'`)).toEqual([{ n: 1 }]);
    c.child.kill('SIGTERM');
    await c.exited;
  }, 300_000);

  it('a hook that stops Conveyor and dies mid-way (no exit code written): the next start escalates, never delivers', async () => {
    // `kill -9 0`: the hook's whole process group, its result-writing wrapper included.
    const s = await world(() => 'echo dying; kill -9 0; exit 0');
    const { x } = s;
    await s.startAndLetTheHookStopIt();
    const b = await x.start();
    await waitFor(() => s.task().escalated === 1, 120_000, () => `not escalated: ${JSON.stringify(s.task())}\n${b.output()}`);
    const task = s.task();
    console.log(`[figure] self-deploy hook killed mid-way: escalated by the next start; hook runs ${s.lines().length}`);
    expect([task.stage, task.phase]).toEqual(['deploy', 'working']);
    expect(task.escalation_reason).toContain('ended without writing its result');
    expect(s.lines()).toHaveLength(1);
    expect(s.doneTransitions()).toBe(0);
    expect(await docker.inspectImage(`${s.prodRepo}:current`)).toBeNull();
    expect(x.query(`SELECT count(*) AS n FROM jobs WHERE kind = 'merge'`)).toEqual([{ n: 0 }]);
    await waitFor(
      async () => (await x.botMessages()).some((m) => m.plain.includes('ended without writing its result')),
      30_000,
      () => `no escalation in the chat:\n${b.output()}`,
    );
    b.child.kill('SIGTERM');
    await b.exited;
  }, 300_000);
});
