/**
 * deploy/hook.example.sh run as Conveyor runs it (ProcessDeployHook: `sh -c` in the worktree with
 * exactly the §10 variables) against the real engine, deploying a FROM-scratch busybox httpd app
 * with Debian's docker-compose 1.29 (`network_mode: none`; health probed with `exec`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../../adapters/docker/dockerode-docker.ts';
import { engineClient } from '../../../adapters/docker/engine-client.ts';
import { ProcessDeployHook } from '../../../adapters/deploy/process-deploy-hook.ts';
import type { DeployHookEnv } from '../../../core/ports/deploy-hook.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../../support/busybox-image.ts';
import { describeDocker } from '../../support/describe-docker.ts';

const LABEL = 'io.conveyor.test-run';
const hookScript = path.resolve('deploy/hook.example.sh');

describeDocker('deploy/hook.example.sh (real engine, docker-compose)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('hook-example');
  const project = run.replace(/[^a-z0-9]/g, '');
  const labels = { [LABEL]: run };
  const hook = `COMPOSE=/usr/bin/docker-compose DOCKER=/usr/bin/docker COMPOSE_PROJECT_NAME=${project} HEALTH_TRIES=3 sh ${hookScript}`;
  const appRepo = `registry.acme.test/${run}`;
  const COMPOSE_FILE = `version: "2.4"
services:
  app:
    image: \${APP_IMAGE}
    network_mode: none
    init: true
    command: ["httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/www"]
    labels:
      ${LABEL}: "${run}"
`;
  let dir = '';
  let worktree = '';
  let good = '';
  let broken = '';
  const port = () =>
    new ProcessDeployHook({
      workDir: path.join(dir, 'work'),
      baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME },
      killGraceMs: 1000,
    });

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'conveyor-hook-example-')));
    worktree = path.join(dir, 'worktree');
    await mkdir(worktree);
    await writeFile(path.join(worktree, 'docker-compose.prod.yml'), COMPOSE_FILE);
    good = await buildBusyboxImage(
      docker,
      `conveyor/${run}:good`,
      labels,
      'RUN mkdir /www && echo ok > /www/healthz',
    );
    broken = await buildBusyboxImage(
      docker,
      `conveyor/${run}:broken`,
      labels,
      'RUN mkdir /www && echo no-health > /www/index.html',
    );
  }, 120_000);

  afterAll(async () => {
    await promisify(execFile)(
      '/usr/bin/docker-compose',
      ['-p', project, '-f', path.join(worktree, 'docker-compose.prod.yml'), 'down', '--remove-orphans'],
      {
        cwd: worktree,
        env: { PATH: process.env.PATH, DOCKER_HOST: dockerHost, APP_IMAGE: 'none' },
      },
    ).catch(() => undefined);
    await removeLabelled(docker, LABEL, run);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  async function runningImage(): Promise<string | null> {
    const containers = await engineClient(dockerHost).listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    const running = containers.filter((c) => c.State === 'running');
    return running.length === 1 ? running[0]!.ImageID : null;
  }

  function env(sourceImage: string, sha: string, previousImage: string | null): DeployHookEnv {
    return {
      sourceImage,
      targetImage: `${appRepo}:${sha}`,
      expectedRevision: sha,
      previousImage,
      taskId: 'APP-1',
      projectId: 'APP',
      dockerHost,
    };
  }

  it('deploys the image by retag and compose up --no-build: exit 0, production runs the same image id', async () => {
    const end = await port().run({
      hook,
      cwd: worktree,
      env: env(`conveyor/${run}:good`, 'sha1', null),
      timeoutMs: 120_000,
      logFile: path.join(dir, 'logs', 'deploy-1.log'),
    });
    expect(end).toMatchObject({ type: 'exited', code: 0 });
    expect(end.type === 'exited' && end.logTail).toContain(`deployed ${appRepo}:sha1`);
    expect(await runningImage()).toBe(good);
    expect((await docker.inspectImage(`${appRepo}:sha1`))?.id).toBe(good);
  }, 120_000);

  it('restores the previous image when the new one does not answer: exit 2', async () => {
    const end = await port().run({
      hook,
      cwd: worktree,
      env: env(`conveyor/${run}:broken`, 'sha2', `${appRepo}:sha1`),
      timeoutMs: 120_000,
      logFile: path.join(dir, 'logs', 'deploy-2.log'),
    });
    expect(end).toMatchObject({ type: 'exited', code: 2 });
    expect(end.type === 'exited' && end.logTail).toContain('previous version restored');
    expect(await runningImage()).toBe(good);
    expect((await docker.inspectImage(`${appRepo}:sha2`))?.id).toBe(broken);
  }, 120_000);

  it('changes nothing when the image is missing: exit 1', async () => {
    const end = await port().run({
      hook,
      cwd: worktree,
      env: env(`conveyor/${run}:missing`, 'sha3', `${appRepo}:sha1`),
      timeoutMs: 60_000,
      logFile: path.join(dir, 'logs', 'deploy-3.log'),
    });
    expect(end).toMatchObject({ type: 'exited', code: 1 });
    expect(end.type === 'exited' && end.logTail).toContain('not found');
    expect(await runningImage()).toBe(good);
  }, 60_000);
});
