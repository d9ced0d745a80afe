/**
 * One production deploy with real parts: hooks and health commands as real processes
 * (ProcessDeployHook) and promotion on the real engine (FROM-scratch busybox images).
 */
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { DockerodeDocker } from '../../../adapters/docker/dockerode-docker.ts';
import { ProcessDeployHook } from '../../../adapters/deploy/process-deploy-hook.ts';
import {
  finishSelfDeploy,
  runDeploy,
  type DeployRunDeps,
  type DeployRunInput,
} from '../../../core/deploy/deploy-run.ts';
import type { DeployConfig } from '../../../core/deploy/deploy-types.ts';
import { REVISION_LABEL } from '../../../core/deploy/promote.ts';
import { systemClock } from '../../../core/ports/clock.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../../support/busybox-image.ts';
import { describeDocker } from '../../support/describe-docker.ts';

const LABEL = 'io.conveyor.test-run';
const sha = 'c'.repeat(40);
const prevSha = 'd'.repeat(40);

describeDocker('runDeploy (real processes, real engine)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('deploy-run');
  const deployImage = `registry.acme.test/${run}`;
  const stagingImage = `conveyor/${run}:${sha}`;
  let root = '';
  let worktree = '';
  let stagingId = '';
  let previousId = '';
  let deps: DeployRunDeps;
  let attempt = 0;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'conveyor-deploy-run-')));
    const labels = { [LABEL]: run };
    stagingId = await buildBusyboxImage(docker, stagingImage, { ...labels, [REVISION_LABEL]: sha });
    previousId = await buildBusyboxImage(
      docker,
      `${deployImage}:${prevSha}`,
      { ...labels, [REVISION_LABEL]: prevSha },
      'ENV PREVIOUS=1',
    );
  }, 120_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
    await rm(root, { recursive: true, force: true });
  }, 60_000);
  beforeEach(async () => {
    attempt += 1;
    worktree = path.join(root, `worktree-${attempt}`);
    await mkdir(worktree, { recursive: true });
    const hooks = new ProcessDeployHook({
      workDir: path.join(root, 'work'),
      baseEnv: { PATH: process.env.PATH, HOME: root },
      killGraceMs: 300,
    });
    deps = {
      hooks,
      docker,
      clock: systemClock,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
  });

  function config(hook: string, health = 'true', extra: Partial<DeployConfig> = {}): DeployConfig {
    return {
      image: deployImage,
      hook,
      health: { command: health, timeoutS: 1, successes: 2 },
      approvers: [111],
      fourEyes: false,
      self: false,
      timeoutS: 20,
      ...extra,
    };
  }

  function input(
    deploy: DeployConfig,
    previousImage: string | null = `${deployImage}:${prevSha}`,
    more: Partial<DeployRunInput> = {},
  ): DeployRunInput {
    return {
      projectId: 'SHOP',
      taskId: 'SHOP-42',
      attempt,
      deploy,
      worktreePath: worktree,
      sha,
      validatedImageId: stagingId,
      stagingImage,
      previousImage,
      dockerHost,
      healthIntervalMs: 100,
      ...more,
    };
  }

  /** A hook that logs its variables, one line per call, then runs `then`. */
  const hook = (then: string) =>
    `echo "$SOURCE_IMAGE|$TARGET_IMAGE|$PREVIOUS_IMAGE|$EXPECTED_REVISION" >> calls.log; ${then}`;
  const calls = async () =>
    (await readFile(path.join(worktree, 'calls.log'), 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .filter(Boolean);

  it('delivers: the hook runs once after "hook started" is persisted, health passes, :current is the staging image id', async () => {
    const result = await runDeploy(
      deps,
      input(config(hook('test -f started.marker || exit 9; echo rolled out')), undefined, {
        onHookStart: () => writeFile(path.join(worktree, 'started.marker'), ''),
      }),
    );
    expect(result).toMatchObject({
      type: 'delivered',
      targetImage: `${deployImage}:${sha}`,
      imageId: stagingId,
    });
    expect(await calls()).toEqual([`${stagingImage}|${deployImage}:${sha}|${deployImage}:${prevSha}|${sha}`]);
    expect((await docker.inspectImage(`${deployImage}:${sha}`))?.id).toBe(stagingId);
    expect((await docker.inspectImage(`${deployImage}:current`))?.id).toBe(stagingId);
    expect(result.type === 'delivered' && result.report).toMatch(
      /^---\ndeploy_status: SUCCESS\nimage: .*\nimage_id: sha256:[0-9a-f]{64}\nrevision: c{40}\n/,
    );
    expect(result.type === 'delivered' && result.report).toContain('rolled out');
    expect(result.type === 'delivered' && result.report.trimEnd().endsWith('VERDICT: SUCCESS')).toBe(true);
  });

  it.each<[number, string, string | null]>([
    [1, 'rollback', 'failed'],
    [2, 'rollback', 'restored'],
    [7, 'escalate', null],
  ])('hook exit %i → %s, never a second call', async (code, type, history) => {
    const result = await runDeploy(deps, input(config(hook(`echo went wrong; exit ${code}`))));
    expect(result.type).toBe(type);
    if (result.type === 'rollback') {
      expect(result.history).toBe(history);
      expect(result.mustFix).toContain('went wrong');
    }
    if (result.type === 'escalate') expect(result.reason).toContain('exited with 7');
    expect(await calls()).toHaveLength(1);
  });

  it('escalates a hook that times out, its process group killed', async () => {
    const result = await runDeploy(deps, input(config(hook('sleep 30'), 'true', { timeoutS: 1 })));
    expect(result).toMatchObject({ type: 'escalate', reason: expect.stringContaining('timed out') });
  });

  it('restores the previous image when health fails, then rolls back with the reason', async () => {
    const result = await runDeploy(deps, input(config(hook('exit 0'), 'echo still down; exit 1')));
    expect(result).toMatchObject({
      type: 'rollback',
      history: 'restored',
      mustFix: expect.stringContaining('still down'),
    });
    expect(await calls()).toEqual([
      `${stagingImage}|${deployImage}:${sha}|${deployImage}:${prevSha}|${sha}`,
      `${deployImage}:${prevSha}|${deployImage}:${prevSha}|${deployImage}:${sha}|${prevSha}`,
    ]);
    expect(result.type === 'rollback' && result.report).toContain('deploy_status: FAILED');
  });

  it('escalates a failed health on a first deploy: nothing to restore', async () => {
    const result = await runDeploy(deps, input(config(hook('exit 0'), 'exit 1'), null));
    expect(result).toMatchObject({ type: 'escalate', reason: expect.stringContaining('no previous image') });
    expect(await calls()).toHaveLength(1);
  });

  it('sends a stale image back to staging without running the hook', async () => {
    const result = await runDeploy(
      deps,
      input(config(hook('exit 0')), undefined, { validatedImageId: previousId }),
    );
    expect(result).toMatchObject({
      type: 'restage',
      reason: expect.stringContaining(`carries revision ${prevSha}`),
    });
    expect(await calls()).toEqual([]);
  });

  it('self-deploy: starts the hook detached, then finishes from its result file', async () => {
    const deploy = config(hook('sleep 1; echo self done'), 'true', { self: true });
    const started = await runDeploy(deps, input(deploy));
    expect(started).toMatchObject({
      type: 'detached',
      targetImage: `${deployImage}:${sha}`,
      imageId: stagingId,
    });
    if (started.type !== 'detached') return;
    const ref = { taskId: 'SHOP-42', attempt, purpose: 'deploy' } as const;
    const early = await deps.hooks.readSelfDeploy(ref);
    expect(early?.type).toBe('running');
    expect(await finishSelfDeploy(deps, input(deploy), early!, started, Date.now())).toBeNull();
    let state = early!;
    for (let i = 0; i < 100 && state.type === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (await deps.hooks.readSelfDeploy(ref))!;
    }
    const result = await finishSelfDeploy(deps, input(deploy), state, started, Date.now());
    expect(result).toMatchObject({ type: 'delivered', imageId: stagingId });
    expect(result?.type === 'delivered' && result.report).toContain('self done');
  });
});
