import { describe, expect, it } from 'vitest';
import type { ImageInfo } from '../../../core/ports/docker.ts';
import { imagesToRemove } from '../../../core/staging/image-retention.ts';
import { pruneStagingImages } from '../../../core/staging/prune-staging-images.ts';
import { createStagingRunner } from '../../../core/staging/staging-run.ts';
import { stagingSchema } from '../../../core/config/staging-schema.ts';
import { FakeDocker } from '../../support/fake-docker.ts';

const image = (id: string, task: string | null, tags: string[], createdAt = 0): ImageInfo => ({
  id,
  tags,
  labels: task === null ? { 'io.conveyor.project': 'SHOP' } : { 'io.conveyor.project': 'SHOP', 'io.conveyor.task': task },
  createdAt,
});

describe('image retention', () => {
  const images = [
    image('sha256:done2', 'SHOP-2', ['conveyor/shop:b2'], 2),
    image('sha256:done1', 'SHOP-1', ['conveyor/shop:b1'], 1),
    image('sha256:active', 'SHOP-3', ['conveyor/shop:b3']),
    image('sha256:prod', 'SHOP-0', ['conveyor/shop:b0', 'registry.acme.test/shop:b0', 'registry.acme.test/shop:current']),
    image('sha256:kept', 'SHOP-4', ['conveyor/shop:b4']),
    image('sha256:foreign', null, ['conveyor/shop:hand-made']),
    image('sha256:other', 'SHOP-5', ['conveyor/web:b5']),
  ];

  it('removes finished tasks’ staging images only, oldest first', () => {
    const doomed = imagesToRemove({ projectId: 'SHOP', images, activeTasks: new Set(['SHOP-3']), keep: new Set(['sha256:kept']) });
    expect(doomed.map((i) => i.id)).toEqual(['sha256:done1', 'sha256:done2']);
  });

  it('keeps by reference as well as by id, and nothing when every task is active', () => {
    expect(imagesToRemove({ projectId: 'SHOP', images, activeTasks: new Set(['SHOP-3']), keep: new Set(['conveyor/shop:b1', 'sha256:kept', 'sha256:done2']) }).map((i) => i.id)).toEqual([]);
    expect(imagesToRemove({ projectId: 'SHOP', images, activeTasks: new Set(['SHOP-1', 'SHOP-2', 'SHOP-3', 'SHOP-4']), keep: new Set() })).toEqual([]);
  });
});

describe('pruning through the Docker port', () => {
  it('keeps the current staging container’s image and active tasks’ images, removes the rest', async () => {
    const docker = new FakeDocker();
    const runner = createStagingRunner({ docker, healthPollMs: 5 });
    const staging = stagingSchema.parse({ health: { command: 'true' } });
    const run = (taskId: string, sha: string) => runner.run({ projectId: 'SHOP', taskId, sha, worktreePath: '/w', staging, strict: false });
    const a = await run('SHOP-1', 'a'.repeat(40));
    const b = await run('SHOP-2', 'b'.repeat(40));
    const c = await run('SHOP-3', 'c'.repeat(40));
    const d = await run('SHOP-4', 'd'.repeat(40));
    await docker.tagImage(b.imageId!, 'registry.acme.test/shop', 'current');
    const report = await pruneStagingImages(docker, { projectId: 'SHOP', activeTasks: new Set(['SHOP-3']) });
    expect(report.removed).toEqual([a.imageRef]);
    expect(report.kept).toBe(3);
    expect([...docker.images.keys()].sort()).toEqual([b.imageId, c.imageId, d.imageId].sort());
  });
});
