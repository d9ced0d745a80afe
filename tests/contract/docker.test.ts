import { afterAll, describe, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import { describeDocker } from '../support/describe-docker.ts';
import { describeDockerContract } from './docker.contract.ts';

describeDocker('dockerode adapter on the real engine', (dockerHost) => {
  describeDockerContract('dockerode', () => new DockerodeDocker({ dockerHost }));

  describe('engine errors', () => {
    const docker = new DockerodeDocker({ dockerHost });
    afterAll(async () => undefined);

    it('turns a refused call into a PermanentError that says what was being done', async () => {
      const failure = docker.tagImage('conveyor-test/no-such-image:nope', 'conveyor-test/x', 'y');
      await expect(failure).rejects.toBeInstanceOf(PermanentError);
      await expect(failure).rejects.toThrow(/tagging image conveyor-test\/no-such-image:nope as conveyor-test\/x:y/);
    });

    it('answers null for what does not exist', async () => {
      expect(await docker.inspectImage('conveyor-test/no-such-image:nope')).toBeNull();
      expect(await docker.containerState('conveyor-test-no-such-container')).toBeNull();
    });
  });
});

describe('dockerode adapter without an engine', () => {
  it('throws a RetryableError naming the engine when the socket is not there', async () => {
    const docker = new DockerodeDocker({ dockerHost: 'unix:///nonexistent/conveyor/docker.sock' });
    const failure = docker.info();
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toThrow(/unix:\/\/\/nonexistent\/conveyor\/docker.sock.*unreachable/);
    await expect(docker.buildImage({ contextDir: '/nonexistent', dockerfile: 'Dockerfile', tag: 't:1', labels: {}, buildArgs: {}, timeoutMs: 5000 })).resolves.toMatchObject({ type: 'failed' });
  });
});
