/**
 * Fault (issue 10): a real `conveyor start` is SIGKILLed while the production deploy hook runs, and
 * is started again on the same database and work dir. The hook is never run a second time for
 * that deploy attempt (it writes one line per run: exactly one), and the task ends escalated with
 * a message saying what happened, never delivered. Real processes, SQLite file, git remote and
 * Docker engine; Telegram through the Bot API sandbox.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../support/busybox-image.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { deployStartWorld, killQuietly, type DeployStartWorld } from '../support/deploy-start-world.ts';
import { describeDocker } from '../support/describe-docker.ts';

const LABEL = 'conveyor.test.deploy-sigkill';

describeDocker('SIGKILL of conveyor start while the deploy hook runs', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('deploykill');
  const stagingRepo = `conveyor-test-staging-${run}`;
  let imageId = '';
  let w: DeployStartWorld | null = null;
  let hookPid = 0;
  let scratch = '';

  beforeAll(async () => {
    imageId = await buildBusyboxImage(docker, `${stagingRepo}:base`, { [LABEL]: run });
  }, 180_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
  }, 60_000);
  afterEach(async () => {
    if (hookPid > 0) killQuietly(hookPid);
    await w?.close();
    w = null;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('after the restart the hook is not run again for that attempt and the task is escalated saying why', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'conveyor-deploy-sigkill-'));
    const calls = join(scratch, 'calls');
    const release = join(scratch, 'release');
    // One line per run, then wait to be released (or for 2 minutes): the hook is mid-way when Conveyor dies.
    const hook = `echo "run $$ $ORCH_TASK_ID $EXPECTED_REVISION" >> ${calls}; i=0; while [ ! -e ${release} ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done; exit 0`;
    w = await deployStartWorld({ docker, dockerHost, imageId, stagingRepo, prodRepo: `conveyor-test-prod-${run}`, hook });
    const world = w;
    const lines = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean) : []);
    try {
      const first = await world.start();
      await waitFor(() => lines().length > 0, 90_000, () => `the hook never started:\n${first.output()}`);
      hookPid = Number(lines()[0]!.split(' ')[1]);
      // "Hook started" is on disk before the hook runs (ADR 0028).
      const state = world.query<{ value: string }>(`SELECT value FROM kv WHERE key LIKE ?`, `%${world.taskId}%`);
      expect(state.map((r) => (JSON.parse(r.value) as { hookStartedAt: number | null }).hookStartedAt)).toEqual([expect.any(Number)]);
      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

      const started = Date.now();
      const second = await world.start();
      await waitFor(
        () => world.query<{ escalated: number }>(`SELECT escalated FROM tasks WHERE id = ?`, world.taskId)[0]?.escalated === 1,
        90_000,
        () => `not escalated:\n${second.output()}`,
      );
      const task = world.query<{ stage: string; escalation_reason: string }>(`SELECT stage, escalation_reason FROM tasks WHERE id = ?`, world.taskId)[0]!;
      console.log(`[figure] deploy hook interrupted by SIGKILL: escalated ${Date.now() - started} ms after the restart; hook runs ${lines().length}`);
      expect(task.stage).toBe('deploy');
      expect(task.escalation_reason).toContain('Conveyor stopped before it finished');
      expect(task.escalation_reason).toContain('the hook is not run twice');
      expect(lines()).toHaveLength(1);
      expect(world.query(`SELECT count(*) AS n FROM transitions WHERE task_id = ? AND to_stage = 'done'`, world.taskId)).toEqual([{ n: 0 }]);
      expect(world.query(`SELECT count(*) AS n FROM jobs WHERE kind = 'merge'`)).toEqual([{ n: 0 }]);
      // The chat hears it: the escalation names the unknown production state.
      await waitFor(
        async () => (await world.botMessages()).some((m) => m.plain.includes("production's state is unknown")),
        30_000,
        () => `no escalation message in the chat:\n${second.output()}`,
      );
      // The orphaned first run may still finish later: it is not counted as a second run.
      writeFileSync(release, '');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(lines()).toHaveLength(1);
      second.child.kill('SIGTERM');
      await second.exited;
    } finally {
      writeFileSync(release, '');
    }
  }, 240_000);
});
