import { describe, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { checkDockerEngine } from '../../app/doctor-docker.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { describeDocker } from '../support/describe-docker.ts';

const parsed = parseProjects(
  JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/x.git', chatId: 1, approvers: [1], agents: { default: 'x' } }] }),
  'projects.json',
);
const plain = parsed.type === 'ok' ? parsed.projects[0]! : (null as never);
// The parser still refuses deploy-staging until the engine wiring lands: enable it directly.
const staged: ProjectConfig = { ...plain, stages: [...plain.stages, 'deploy-staging'] };

describeDocker('doctor on the real engine', (dockerHost) => {
  it('finds the engine, its API version, a working build, and leaves no probe image behind', async () => {
    const docker = new DockerodeDocker({ dockerHost });
    const check = await checkDockerEngine([staged], dockerHost, () => docker);
    expect(check?.problems).toEqual([]);
    expect(check?.notes?.[0]).toMatch(/^Docker \S+, API 1\.\d+, can build$/);
    expect(await docker.listImages(['io.conveyor.doctor'])).toEqual([]);
  });
});

describe('doctor without an engine', () => {
  it('names DOCKER_HOST and says how to fix it', async () => {
    const host = 'unix:///nonexistent/conveyor/docker.sock';
    const check = await checkDockerEngine([staged], host, () => new DockerodeDocker({ dockerHost: host }));
    expect(check?.problems[0]).toMatch(/^DOCKER_HOST: cannot reach the Docker engine at unix:\/\/\/nonexistent\/conveyor\/docker\.sock \(.+\); start dockerd or set DOCKER_HOST=/);
  });

  it('names DOCKER_HOST when its form is wrong', async () => {
    const check = await checkDockerEngine([staged], 'ftp://x', () => new DockerodeDocker({ dockerHost: 'ftp://x' }));
    expect(check?.problems[0]).toContain('DOCKER_HOST must be unix:///path');
  });
});
