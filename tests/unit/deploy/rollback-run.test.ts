import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { DockerodeDocker } from '../../../adapters/docker/dockerode-docker.ts';
import { ProcessDeployHook } from '../../../adapters/deploy/process-deploy-hook.ts';
import type { DeployRunDeps } from '../../../core/deploy/deploy-run.ts';
import type { DeployConfig } from '../../../core/deploy/deploy-types.ts';
import { runRollback, type RollbackInput } from '../../../core/deploy/rollback-run.ts';
import { systemClock } from '../../../core/ports/clock.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../../support/busybox-image.ts';
import { describeDocker } from '../../support/describe-docker.ts';

const LABEL = 'io.conveyor.test-run';
const [oldSha, newSha] = ['1'.repeat(40), '2'.repeat(40)];

describeDocker('one-tap roll-back (real processes, real engine)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('rollback');
  const deployImage = `registry.acme.test/${run}`;
  let root = '';
  let cwd = '';
  let oldId = '';
  let newId = '';
  let deps: DeployRunDeps;
  let n = 0;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'conveyor-rollback-')));
    const labels = { [LABEL]: run };
    oldId = await buildBusyboxImage(docker, `${deployImage}:${oldSha}`, labels, 'ENV V=1');
    newId = await buildBusyboxImage(docker, `${deployImage}:${newSha}`, labels, 'ENV V=2');
    await docker.tagImage(newId, deployImage, 'current');
  }, 120_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
    await rm(root, { recursive: true, force: true });
  }, 60_000);
  beforeEach(async () => {
    n += 1;
    cwd = path.join(root, `checkout-${n}`);
    await mkdir(cwd, { recursive: true });
    deps = {
      hooks: new ProcessDeployHook({ workDir: path.join(root, 'work'), baseEnv: { PATH: process.env.PATH } }),
      docker,
      clock: systemClock,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  });

  function input(hook: string, health = 'true'): RollbackInput {
    const deploy: DeployConfig = {
      image: deployImage,
      hook: `echo "$SOURCE_IMAGE|$TARGET_IMAGE|$PREVIOUS_IMAGE|$EXPECTED_REVISION" >> calls.log; ${hook}`,
      health: { command: health, timeoutS: 1, successes: 1 },
      approvers: [1],
      fourEyes: false,
      self: false,
      timeoutS: 10,
    };
    return {
      projectId: 'RB',
      taskId: 'RB-7',
      rollbackNo: n,
      deploy,
      cwd,
      current: { ref: `${deployImage}:${newSha}`, imageId: newId },
      target: { ref: `${deployImage}:${oldSha}`, imageId: oldId, sha: oldSha },
      dockerHost,
      healthIntervalMs: 100,
    };
  }

  it('runs the hook with the previous image, checks health and moves :current back', async () => {
    expect(await runRollback(deps, input('exit 0'))).toEqual({
      type: 'rolled-back',
      image: `${deployImage}:${oldSha}`,
    });
    expect((await readFile(path.join(cwd, 'calls.log'), 'utf8')).trim()).toBe(
      `${deployImage}:${oldSha}|${deployImage}:${oldSha}|${deployImage}:${newSha}|${oldSha}`,
    );
    expect((await docker.inspectImage(`${deployImage}:current`))?.id).toBe(oldId);
    await docker.tagImage(newId, deployImage, 'current');
  });

  it.each<[string, string, string, string]>([
    ['exit 1', 'true', 'failed', 'production still runs'],
    ['exit 2', 'true', 'failed', 'restored'],
    ['exit 5', 'true', 'unknown', 'exited with 5'],
    ['exit 0', 'exit 1', 'unknown', 'health check did not pass'],
  ])('%s with health `%s` → %s', async (hook, health, type, reason) => {
    const result = await runRollback(deps, input(hook, health));
    expect(result).toMatchObject({ type, reason: expect.stringContaining(reason) });
    expect((await docker.inspectImage(`${deployImage}:current`))?.id).toBe(newId);
  });
});
