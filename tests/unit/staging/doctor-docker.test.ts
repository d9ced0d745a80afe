import { describe, expect, it } from 'vitest';
import { parseProjects, type ProjectConfig } from '../../../core/config/projects.ts';
import { checkDockerEngine, compareApi } from '../../../app/doctor-docker.ts';
import { FakeDocker, type FakeDockerOptions } from '../../support/fake-docker.ts';

const parsed = parseProjects(
  JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/x.git', chatId: 1, approvers: [1], agents: { default: 'x' } }] }),
  'projects.json',
);
const plain = parsed.type === 'ok' ? parsed.projects[0]! : (null as never);
// The stage is still refused by the parser until the engine wiring lands, so enable it directly.
const staged: ProjectConfig = { ...plain, stages: [...plain.stages, 'deploy-staging'] };

async function check(options: FakeDockerOptions, projects = [staged]) {
  const docker = new FakeDocker(options);
  return { docker, check: await checkDockerEngine(projects, 'unix:///run/docker.sock', () => docker) };
}

describe('doctor: docker engine', () => {
  it('is skipped when no project enables a Docker stage', async () => {
    const { docker, check: result } = await check({}, [plain]);
    expect(result).toBeNull();
    expect(docker.calls).toEqual([]);
  });

  it('passes on a reachable engine that can build, leaving no image behind', async () => {
    let context = '';
    const { docker, check: result } = await check({ build: (req) => ((context = req.contextDir), { type: 'built', imageId: 'sha256:probe', logTail: '' }) });
    expect(result).toMatchObject({ name: 'docker engine (unix:///run/docker.sock, for SHOP)', problems: [], notes: ['Docker 20.10.24-fake, API 1.41, can build'] });
    expect(docker.images.size).toBe(0);
    expect(docker.calls.at(-1)).toMatch(/^removeImage conveyor\/doctor-probe:/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(context)).toBe(false);
  });

  it.each([
    [{ unreachable: true }, 'DOCKER_HOST: cannot reach the Docker engine at unix:///run/docker.sock (RetryableError: info: connect ENOENT'],
    [{ apiVersion: '1.39' }, 'DOCKER_HOST: the engine speaks API 1.39; staging needs 1.40 or newer'],
    [{ build: () => ({ type: 'failed' as const, reason: 'no space left on device', logTail: '' }) }, 'DOCKER_HOST: the engine cannot build a FROM scratch image: no space left on device'],
  ])('names the problem: %#', async (options, expected) => {
    const { check: result } = await check(options);
    expect(result?.problems.join('\n')).toContain(expected);
  });

  it('compares API versions numerically', () => {
    expect(compareApi('1.41', '1.40')).toBeGreaterThan(0);
    expect(compareApi('1.9', '1.40')).toBeLessThan(0);
    expect(compareApi('1.40', '1.40')).toBe(0);
  });
});
