import { describe, expect, it } from 'vitest';
import { parseProjects } from '../../../core/config/projects.ts';
import { dockerfileInContext, stagingSchema } from '../../../core/config/staging-schema.ts';

const base = { id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/shop.git', chatId: -1001, approvers: [111], agents: { default: 'x' } };
const health = { command: 'wget -q -O- http://127.0.0.1:8080/healthz' };

function parse(staging: unknown, extra: Record<string, unknown> = {}) {
  return parseProjects(JSON.stringify({ projects: [{ ...base, ...extra, staging }] }), 'projects.json');
}

function problems(staging: unknown, extra: Record<string, unknown> = {}): string {
  const result = parse(staging, extra);
  return result.type === 'invalid' ? result.problems.join('\n') : '(valid)';
}

describe('projects file: staging block', () => {
  it('applies the defaults of design §10 and freezes the block', () => {
    const result = parse({ health });
    expect(result.type).toBe('ok');
    if (result.type !== 'ok') return;
    const staging = result.projects[0]!.staging;
    expect(staging).toEqual({
      dockerfile: 'Dockerfile',
      context: '.',
      buildArgs: {},
      env: {},
      command: null,
      health: { command: health.command, timeoutS: 60 },
      checks: [],
      strict: false,
      network: 'none',
      memoryMb: 512,
      timeoutS: 600,
    });
    expect(Object.isFrozen(staging)).toBe(true);
    expect(Object.isFrozen(staging!.checks)).toBe(true);
  });

  it('parses the example block of §10, classes in any case, absent class = real', () => {
    const result = parse({
      dockerfile: 'deploy/Dockerfile',
      context: './',
      buildArgs: { NODE_ENV: 'production' },
      env: { APP_ENV: 'staging' },
      command: 'httpd -f -p 8080',
      health: { ...health, timeoutS: 5 },
      checks: [
        { id: 'C1', name: 'API answers', command: 'wget -q -O- http://127.0.0.1:8080/api/ping', class: 'real' },
        { id: 'C9a', name: 'sandbox tracker member', command: 'false', class: 'SANDBOX_INFRA' },
        { id: 'C2', name: 'no class', command: 'true' },
      ],
      strict: true,
      network: 'bridge',
      memoryMb: 256,
      timeoutS: 120,
    });
    expect(result.type).toBe('ok');
    if (result.type !== 'ok') return;
    const staging = result.projects[0]!.staging!;
    expect(staging.context).toBe('.');
    expect(staging.dockerfile).toBe('deploy/Dockerfile');
    expect(staging.checks.map((c) => c.class)).toEqual(['real', 'sandbox_infra', 'real']);
    expect(staging).toMatchObject({ command: 'httpd -f -p 8080', strict: true, network: 'bridge', memoryMb: 256, timeoutS: 120, health: { timeoutS: 5 } });
  });

  it('defaults the Dockerfile to the context’s own and gives the engine its path inside the context', () => {
    const result = parse({ context: 'services/api/', health });
    const staging = result.type === 'ok' ? result.projects[0]!.staging! : null;
    expect(staging?.dockerfile).toBe('services/api/Dockerfile');
    expect(staging && dockerfileInContext(staging)).toBe('Dockerfile');
    expect(dockerfileInContext({ context: 'app', dockerfile: 'app/docker/Dockerfile.staging' })).toBe('docker/Dockerfile.staging');
  });

  it.each([
    [{}, 'projects[0].staging.health'],
    [{ health: {} }, 'projects[0].staging.health.command'],
    [{ health: { ...health, timeoutS: 0 } }, 'projects[0].staging.health.timeoutS'],
    [{ health, dockerfile: '../Dockerfile' }, 'projects[0].staging.dockerfile: must stay inside the repository'],
    [{ health, context: '/srv/app' }, 'projects[0].staging.context: must be a path relative to the repository'],
    [{ health, context: 'a/../../b' }, 'projects[0].staging.context: must stay inside the repository'],
    [{ health, context: 'app', dockerfile: 'Dockerfile' }, 'projects[0].staging.dockerfile: must lie inside staging.context'],
    [{ health, checks: [{ id: 'C1', name: 'a', command: 'true', class: 'flaky' }] }, 'projects[0].staging.checks[0].class: must be "real" or "sandbox_infra"'],
    [{ health, checks: [{ id: 'C1', name: 'a', command: 'true' }, { id: 'C1', name: 'b', command: 'true' }] }, 'projects[0].staging.checks: check ids must be unique'],
    [{ health, checks: [{ id: 'C 1', name: 'a', command: 'true' }] }, 'projects[0].staging.checks[0].id'],
    [{ health, checks: [{ id: 'C1', command: 'true' }] }, 'projects[0].staging.checks[0].name'],
    [{ health, env: { 'BAD-NAME': 'x' } }, 'projects[0].staging.env.BAD-NAME'],
    [{ health, memoryMb: 1 }, 'projects[0].staging.memoryMb: must be at least 6'],
    [{ health, timeoutS: -1 }, 'projects[0].staging.timeoutS'],
    [{ health, network: 'a b' }, 'projects[0].staging.network'],
    [{ health, surprise: 1 }, 'projects[0].staging'],
  ])('names the field: %#', (staging, expected) => {
    expect(problems(staging)).toContain(expected);
  });

  it('requires the block when stages include deploy-staging', () => {
    const text = problems(undefined, { stages: ['analysis', 'development', 'deploy-staging'] });
    expect(text).toContain('projects[0].staging: required when stages include deploy-staging');
    expect(problems({ health }, { stages: ['analysis', 'development', 'deploy-staging'] })).not.toContain('projects[0].staging');
  });

  it('the schema alone parses a block with an upper-case REAL class', () => {
    const parsed = stagingSchema.parse({ health, checks: [{ id: 'C1', name: 'n', command: 'true', class: 'REAL' }] });
    expect(parsed.checks[0]!.class).toBe('real');
  });
});
