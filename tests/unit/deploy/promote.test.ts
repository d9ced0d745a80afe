import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markCurrent, promoteForDeploy, REVISION_LABEL } from '../../../core/deploy/promote.ts';
import {
  buildBusyboxImage,
  dockerClient,
  imagePort,
  removeImagesLabelled,
} from '../../support/busybox-image.ts';

const run = randomBytes(4).toString('hex');
const label = `io.conveyor.test-run=promote-${run}`;
const docker = dockerClient();
const port = imagePort(docker);
const sha = 'a'.repeat(40);
const deployImage = `registry.acme.test/shop-${run}`;

describe('promotion by retag (real engine)', () => {
  let stagingId = '';
  let otherId = '';

  beforeAll(async () => {
    stagingId = await buildBusyboxImage(docker, `conveyor/shop-${run}:${sha}`, {
      [REVISION_LABEL]: sha,
      'io.conveyor.test-run': `promote-${run}`,
    });
    otherId = await buildBusyboxImage(
      docker,
      `conveyor/shop-${run}:other`,
      { [REVISION_LABEL]: 'b'.repeat(40), 'io.conveyor.test-run': `promote-${run}` },
      'ENV OTHER=1',
    );
  }, 60_000);
  afterAll(async () => {
    await removeImagesLabelled(docker, label);
  });

  it('tags the validated image <deploy.image>:<sha> then :current, the image id staying the staging id', async () => {
    const promoted = await promoteForDeploy(port, { validatedImageId: stagingId, sha, deployImage });
    expect(promoted).toEqual({ type: 'promoted', targetImage: `${deployImage}:${sha}`, imageId: stagingId });
    expect((await docker.getImage(`${deployImage}:${sha}`).inspect()).Id).toBe(stagingId);
    expect(await markCurrent(port, deployImage, stagingId)).toEqual({
      type: 'promoted',
      targetImage: `${deployImage}:current`,
      imageId: stagingId,
    });
    expect((await docker.getImage(`${deployImage}:current`).inspect()).Id).toBe(stagingId);
    const images = await docker.listImages({ filters: { label: [label] } });
    expect(images).toHaveLength(2);
  });

  it('promotes the recorded image id even when the staging tag has moved since (ORCH-058)', async () => {
    await docker.getImage(otherId).tag({ repo: `conveyor/shop-${run}`, tag: sha });
    const promoted = await promoteForDeploy(port, { validatedImageId: stagingId, sha, deployImage });
    expect(promoted).toMatchObject({ type: 'promoted', imageId: stagingId });
    expect((await docker.getImage(`${deployImage}:${sha}`).inspect()).Id).toBe(stagingId);
  });

  it('refuses an image of another revision, and one the engine no longer has', async () => {
    expect(await promoteForDeploy(port, { validatedImageId: otherId, sha, deployImage })).toMatchObject({
      type: 'refused',
      reason: expect.stringContaining(`carries revision ${'b'.repeat(40)}`),
    });
    expect(
      await promoteForDeploy(port, { validatedImageId: `sha256:${'0'.repeat(64)}`, sha, deployImage }),
    ).toMatchObject({ type: 'refused', reason: expect.stringContaining('no longer in the engine') });
  });
});
