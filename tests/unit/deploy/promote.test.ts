import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../../adapters/docker/dockerode-docker.ts';
import { markCurrent, promoteForDeploy, REVISION_LABEL } from '../../../core/deploy/promote.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../../support/busybox-image.ts';
import { describeDocker } from '../../support/describe-docker.ts';

const LABEL = 'io.conveyor.test-run';
const sha = 'a'.repeat(40);

describeDocker('promotion by retag (real engine, dockerode adapter)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('promote');
  const deployImage = `registry.acme.test/${run}`;
  let stagingId = '';
  let otherId = '';

  beforeAll(async () => {
    stagingId = await buildBusyboxImage(docker, `conveyor/${run}:${sha}`, {
      [REVISION_LABEL]: sha,
      [LABEL]: run,
    });
    otherId = await buildBusyboxImage(
      docker,
      `conveyor/${run}:other`,
      { [REVISION_LABEL]: 'b'.repeat(40), [LABEL]: run },
      'ENV OTHER=1',
    );
  }, 120_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
  }, 60_000);

  it('tags the validated image <deploy.image>:<sha> then :current, the image id staying the staging id', async () => {
    const promoted = await promoteForDeploy(docker, { validatedImageId: stagingId, sha, deployImage });
    expect(promoted).toEqual({ type: 'promoted', targetImage: `${deployImage}:${sha}`, imageId: stagingId });
    expect((await docker.inspectImage(`${deployImage}:${sha}`))?.id).toBe(stagingId);
    expect(await markCurrent(docker, deployImage, stagingId)).toEqual({
      type: 'promoted',
      targetImage: `${deployImage}:current`,
      imageId: stagingId,
    });
    expect((await docker.inspectImage(`${deployImage}:current`))?.id).toBe(stagingId);
    // Nothing was built: still the two images this suite made.
    expect(await docker.listImages([`${LABEL}=${run}`])).toHaveLength(2);
  });

  it('promotes the recorded image id even when the staging tag has moved since (ORCH-058)', async () => {
    await docker.tagImage(otherId, `conveyor/${run}`, sha);
    const promoted = await promoteForDeploy(docker, { validatedImageId: stagingId, sha, deployImage });
    expect(promoted).toMatchObject({ type: 'promoted', imageId: stagingId });
    expect((await docker.inspectImage(`${deployImage}:${sha}`))?.id).toBe(stagingId);
  });

  it('refuses an image of another revision, and one the engine no longer has', async () => {
    expect(await promoteForDeploy(docker, { validatedImageId: otherId, sha, deployImage })).toMatchObject({
      type: 'refused',
      reason: expect.stringContaining(`carries revision ${'b'.repeat(40)}`),
    });
    expect(
      await promoteForDeploy(docker, { validatedImageId: `sha256:${'0'.repeat(64)}`, sha, deployImage }),
    ).toMatchObject({ type: 'refused', reason: expect.stringContaining('no longer in the engine') });
  });
});
