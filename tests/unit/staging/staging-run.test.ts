import { describe, expect, it } from 'vitest';
import { stagingSchema } from '../../../core/config/staging-schema.ts';
import { createStagingRunner } from '../../../core/staging/staging-run.ts';
import type { StagingInput } from '../../../core/staging/staging-types.ts';
import { FakeDocker, type FakeDockerOptions } from '../../support/fake-docker.ts';

const sha = 'a'.repeat(40);
const staging = stagingSchema.parse({
  env: { APP_ENV: 'staging' },
  command: 'httpd -f -p 8080',
  memoryMb: 64,
  health: { command: 'wget -q -O- http://127.0.0.1:8080/healthz', timeoutS: 1 },
  checks: [
    { id: 'C1', name: 'API answers', command: 'check-api' },
    { id: 'C9a', name: 'sandbox tracker member', command: 'check-tracker', class: 'sandbox_infra' },
  ],
  timeoutS: 10,
});

function input(over: Partial<StagingInput> = {}): StagingInput {
  return { projectId: 'SHOP', taskId: 'SHOP-42', sha, worktreePath: '/work/tasks/SHOP-42', staging, strict: false, ...over };
}

function runner(options: FakeDockerOptions) {
  const docker = new FakeDocker(options);
  return { docker, staging: createStagingRunner({ docker, healthPollMs: 5 }) };
}

const scripts = (table: Record<string, { exitCode: number; output?: string }>): FakeDockerOptions['exec'] => (script) => table[script] ?? { exitCode: 0 };

describe('staging run over a DockerPort', () => {
  it('builds, tags, labels, replaces the container, waits for health and runs the checks: SUCCESS with C9a waived', async () => {
    const { docker, staging: run } = runner({ exec: scripts({ 'check-tracker': { exitCode: 1, output: 'tracker member missing' } }) });
    const result = await run.run(input());
    expect(result).toMatchObject({ verdict: 'SUCCESS', revision: sha, imageRef: `conveyor/shop:${sha}`, waived: ['C9a'], reason: null, mustFix: null });
    const image = docker.images.get(result.imageId!)!;
    expect(image.tags).toEqual([`conveyor/shop:${sha}`]);
    expect(image.labels).toEqual({ 'org.opencontainers.image.revision': sha, 'io.conveyor.task': 'SHOP-42', 'io.conveyor.project': 'SHOP' });
    const container = docker.containers.get('conveyor-staging-shop')!;
    expect(container.spec).toMatchObject({ image: result.imageId, env: { APP_ENV: 'staging' }, command: ['sh', '-c', 'httpd -f -p 8080'], networkMode: 'none', memoryMb: 64, init: true });
    expect(docker.calls.filter((c) => c.startsWith('exec'))).toEqual([
      'exec conveyor-staging-shop wget -q -O- http://127.0.0.1:8080/healthz',
      'exec conveyor-staging-shop check-api',
      'exec conveyor-staging-shop check-tracker',
    ]);
    expect(result.report).toContain('FAIL C9a sandbox tracker member (SANDBOX_INFRA, waived)');
    expect(result.report.trimEnd().endsWith('VERDICT: SUCCESS')).toBe(true);
  });

  it('gives the build the context dir, the Dockerfile inside it and the build args', async () => {
    const seen: unknown[] = [];
    const { staging: run } = runner({ build: (req) => (seen.push(req), { type: 'failed', reason: 'x', logTail: '' }) });
    const custom = stagingSchema.parse({ context: 'svc', dockerfile: 'svc/docker/Dockerfile', buildArgs: { A: '1' }, health: { command: 'true' } });
    await run.run(input({ staging: custom }));
    expect(seen[0]).toMatchObject({ contextDir: '/work/tasks/SHOP-42/svc', dockerfile: 'docker/Dockerfile', buildArgs: { A: '1' }, tag: `conveyor/shop:${sha}` });
  });

  it('a REAL failure is FAILED with its output verbatim as must-fix', async () => {
    const { staging: run } = runner({ exec: scripts({ 'check-api': { exitCode: 1, output: "wget: can't connect to remote host: Connection refused\n" } }) });
    const result = await run.run(input());
    expect(result.verdict).toBe('FAILED');
    expect(result.reason).toBe('REAL check failed: C1');
    expect(result.mustFix).toBe('Staging check C1 "API answers" (REAL) failed:\nwget: can\'t connect to remote host: Connection refused');
    expect(result.checks.map((c) => [c.id, c.passed])).toEqual([['C1', false], ['C9a', true]]);
  });

  it('an infra-only failure is FAILED under strict (project strict or the kill switch, both arrive as input.strict)', async () => {
    const { staging: run } = runner({ exec: scripts({ 'check-tracker': { exitCode: 1, output: 'tracker down' } }) });
    const result = await run.run(input({ strict: true }));
    expect(result).toMatchObject({ verdict: 'FAILED', waived: [] });
    expect(result.mustFix).toContain('Staging check C9a "sandbox tracker member" (SANDBOX_INFRA, strict) failed:\ntracker down');
  });

  it('a build failure is FAILED with the log tail and runs no container', async () => {
    const { docker, staging: run } = runner({ build: () => ({ type: 'failed', reason: "The command '/bin/sh -c false' returned a non-zero code: 1", logTail: 'Step 2/2 : RUN false\n' }) });
    const result = await run.run(input());
    expect(result).toMatchObject({ verdict: 'FAILED', imageId: null });
    expect(result.mustFix).toBe("Staging build failed: The command '/bin/sh -c false' returned a non-zero code: 1\nStep 2/2 : RUN false");
    expect(docker.containers.size).toBe(0);
    expect(result.report).toContain('SKIP C1 API answers (not run)');
  });

  it('a health timeout is FAILED with the reason and the last health output', async () => {
    const { staging: run } = runner({ exec: scripts({ [staging.health.command]: { exitCode: 1, output: 'connection refused' } }) });
    const result = await run.run(input());
    expect(result.verdict).toBe('FAILED');
    expect(result.reason).toMatch(/^health command did not exit 0 within 1 s/);
    expect(result.mustFix).toMatch(/^Staging health failed: health command did not exit 0 within 1 s .*\nconnection refused$/);
    expect(result.checks).toEqual([]);
  });

  it('health succeeds after a few attempts', async () => {
    let attempts = 0;
    const { staging: run } = runner({ exec: (script) => (script.startsWith('wget') ? { exitCode: ++attempts < 3 ? 1 : 0 } : { exitCode: 0 }) });
    expect((await run.run(input())).verdict).toBe('SUCCESS');
    expect(attempts).toBe(3);
  });

  it('a container that exits at once is FAILED', async () => {
    const { staging: run } = runner({ exitOnStart: true });
    expect(await run.run(input())).toMatchObject({ verdict: 'FAILED', reason: 'the staging container exited right after it started' });
  });

  it('an unreachable engine is FAILED with the reason, never a throw', async () => {
    const { staging: run } = runner({ unreachable: true });
    const result = await run.run(input());
    expect(result.verdict).toBe('FAILED');
    expect(result.reason).toContain('building the image: build conveyor/shop');
    expect(result.report.trimEnd().endsWith('VERDICT: FAILED')).toBe(true);
  });

  it('an exec error during the checks is FAILED, even when every check so far passed', async () => {
    const { staging: run } = runner({ exec: (script) => { if (script === 'check-tracker') throw new Error('socket hang up'); return { exitCode: 0 }; } });
    const result = await run.run(input());
    expect(result).toMatchObject({ verdict: 'FAILED', reason: 'running the checks: socket hang up' });
  });

  it('a hung engine call is cut at staging.timeoutS', async () => {
    const short = { ...staging, timeoutS: 1 };
    const { staging: run } = runner({ exec: (script) => (script === 'check-api' ? new Promise(() => undefined) : { exitCode: 0 }) });
    const result = await run.run(input({ staging: short }));
    expect(result).toMatchObject({ verdict: 'FAILED', reason: 'staging did not finish within 1 s (staging.timeoutS)' });
  });

  it('the abort signal ends the run as FAILED', async () => {
    const controller = new AbortController();
    const { staging: run } = runner({ exec: () => (controller.abort(), new Promise(() => undefined)) });
    const result = await run.run(input({ signal: controller.signal }));
    expect(result).toMatchObject({ verdict: 'FAILED', reason: 'cancelled' });
  });

  it('a run cut by its budget says so, even when the engine call rejects first on the abort', async () => {
    const build: FakeDockerOptions['build'] = (request) =>
      new Promise((_, reject) => request.signal?.addEventListener('abort', () => reject(new Error('build aborted by the client'))));
    const { staging: run } = runner({ build });
    const result = await run.run(input({ staging: { ...staging, timeoutS: 1 } }));
    expect(result).toMatchObject({ verdict: 'FAILED', reason: 'staging did not finish within 1 s (staging.timeoutS)' });
  });

  it('keeps one staging container per project across runs', async () => {
    const { docker, staging: run } = runner({});
    const first = await run.run(input());
    const second = await run.run(input({ sha: 'b'.repeat(40), taskId: 'SHOP-43' }));
    expect(docker.containers.size).toBe(1);
    expect(docker.containers.get('conveyor-staging-shop')!.image).toBe(second.imageId);
    expect(second.imageId).not.toBe(first.imageId);
  });
});
