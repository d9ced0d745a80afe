/**
 * The staging run on the real Docker engine (issue 9): the demo's busybox image built from a
 * worktree-like directory, the container replaced, health waited for, checks run inside it.
 * Everything this file creates carries its unique project label and is removed at the end.
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { stagingSchema } from '../../core/config/staging-schema.ts';
import { pruneStagingImages } from '../../core/staging/prune-staging-images.ts';
import { PROJECT_LABEL } from '../../core/staging/staging-names.ts';
import { createStagingRunner } from '../../core/staging/staging-run.ts';
import type { StagingConfig, StagingInput } from '../../core/staging/staging-types.ts';
import { effectiveStrict } from '../../core/staging/staging-verdict.ts';
import { removeLabelled } from '../support/busybox-image.ts';
import { describeDocker } from '../support/describe-docker.ts';

const SEED = fileURLToPath(new URL('../../app/demo/staging-seed/', import.meta.url));
const PROJECT = `H6S${process.pid}`;
const base = {
  health: { command: 'wget -q -O- http://127.0.0.1:8080/healthz', timeoutS: 20 },
  checks: [
    { id: 'C1', name: 'API answers', command: 'wget -q -O- http://127.0.0.1:8080/api/ping | grep pong' },
    { id: 'C9a', name: 'sandbox tracker member', command: 'echo "tracker.sandbox.invalid: bad address" >&2; exit 1', class: 'sandbox_infra' },
  ],
  memoryMb: 64,
  timeoutS: 120,
};

describeDocker('staging on the real engine', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const runner = createStagingRunner({ docker, healthPollMs: 100 });
  let worktree = '';
  let n = 0;

  beforeAll(() => {
    worktree = mkdtempSync(join(tmpdir(), 'conveyor-staging-e2e-'));
    cpSync(SEED, worktree, { recursive: true });
    copyFileSync('/bin/busybox', join(worktree, 'busybox'));
  });
  afterAll(async () => {
    await removeLabelled(docker, PROJECT_LABEL, PROJECT);
    rmSync(worktree, { recursive: true, force: true });
  });

  const run = (over: Partial<StagingConfig> = {}, strict = false, dir?: string) => {
    n += 1;
    const input: StagingInput = {
      projectId: PROJECT,
      taskId: `${PROJECT}-${n}`,
      sha: n.toString(16).padStart(40, 'e'),
      worktreePath: dir ?? worktree,
      staging: { ...stagingSchema.parse(base), ...over },
      strict,
    };
    return runner.run(input);
  };

  it('stages green: tag, labels, one running container, infra failure waived', async () => {
    const result = await run();
    expect(result).toMatchObject({ verdict: 'SUCCESS', waived: ['C9a'], reason: null });
    const image = await docker.inspectImage(result.imageRef);
    expect(image?.id).toBe(result.imageId);
    expect(image?.tags).toContain(`conveyor/${PROJECT.toLowerCase()}:${result.revision}`);
    expect(image?.labels).toMatchObject({ 'org.opencontainers.image.revision': result.revision, 'io.conveyor.task': `${PROJECT}-${n}`, 'io.conveyor.project': PROJECT });
    const state = await docker.containerState(`conveyor-staging-${PROJECT.toLowerCase()}`);
    expect(state).toMatchObject({ running: true, image: result.imageId });
    expect(result.report).toContain('PASS C1 API answers');
    expect(result.report).toContain('FAIL C9a sandbox tracker member (SANDBOX_INFRA, waived)');
    expect(result.report).toContain('tracker.sandbox.invalid: bad address');
    expect(result.report.trimEnd().endsWith('VERDICT: SUCCESS')).toBe(true);
  });

  it('fails the infra-only failure under strict and under the kill switch', async () => {
    expect(await run({}, effectiveStrict(true, true))).toMatchObject({ verdict: 'FAILED', waived: [] });
    const killed = await run({}, effectiveStrict(false, false));
    expect(killed.verdict).toBe('FAILED');
    expect(killed.mustFix).toContain('Staging check C9a "sandbox tracker member" (SANDBOX_INFRA, strict) failed:\ntracker.sandbox.invalid: bad address');
  });

  it('fails a REAL check with its output verbatim', async () => {
    const checks = [{ id: 'C2', name: 'missing page', command: 'wget -O- http://127.0.0.1:8080/api/missing', class: 'real' as const }];
    const result = await run({ checks });
    expect(result.verdict).toBe('FAILED');
    expect(result.mustFix).toMatch(/^Staging check C2 "missing page" \(REAL\) failed:\n[\s\S]*404/);
  });

  it('fails a build whose RUN step fails, with the log tail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-staging-bad-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "echo compiling; exit 3"]\n');
      copyFileSync('/bin/busybox', join(dir, 'busybox'));
      const result = await run({}, false, dir);
      expect(result).toMatchObject({ verdict: 'FAILED', imageId: null });
      expect(result.mustFix).toMatch(/^Staging build failed: .*3/);
      expect(result.report).toContain('SKIP C1 API answers (not run)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a build the engine rejects (no Dockerfile)', async () => {
    const result = await run({ dockerfile: 'missing/Dockerfile.staging' });
    expect(result).toMatchObject({ verdict: 'FAILED', imageId: null });
    expect(result.reason).toBeTruthy();
  });

  it('fails a health check that never passes within its timeout', async () => {
    const result = await run({ health: { command: 'wget -q -O- http://127.0.0.1:8080/not-there', timeoutS: 2 } });
    expect(result.verdict).toBe('FAILED');
    expect(result.reason).toMatch(/^health command did not exit 0 within 2 s/);
    expect(result.mustFix).toContain('404');
  });

  it('keeps one staging container per project and prunes the images of finished tasks', async () => {
    const first = await run();
    const second = await run();
    const containers = await docker.listContainers([`${PROJECT_LABEL}=${PROJECT}`]);
    expect(containers.map((c) => c.image)).toEqual([second.imageId]);
    const report = await pruneStagingImages(docker, { projectId: PROJECT, activeTasks: new Set() });
    expect(report.removed).toContain(first.imageRef);
    expect(report.removed).not.toContain(second.imageRef);
    expect(await docker.inspectImage(first.imageRef)).toBeNull();
    expect(await docker.inspectImage(second.imageRef)).not.toBeNull();
  });
});
