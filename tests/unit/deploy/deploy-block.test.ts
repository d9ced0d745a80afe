import { describe, expect, it } from 'vitest';
import { parseProjects } from '../../../core/config/projects.ts';

const base = {
  id: 'SHOP',
  repo: 'acme/shop',
  cloneUrl: '/tmp/shop.git',
  chatId: -1001,
  approvers: [111, 222],
  agents: { default: 'claude -p x' },
};
const deploy = {
  image: 'registry.acme.test/shop',
  hook: 'sh deploy/hook.sh',
  health: { command: 'curl -fsS https://shop.acme.test/healthz' },
};

function parse(project: Record<string, unknown>) {
  return parseProjects(JSON.stringify({ projects: [project] }), 'projects.json');
}

describe('projects file: deploy block', () => {
  it('applies the defaults, deploy approvers falling back to the project approvers', () => {
    const result = parse({ ...base, deploy });
    expect(result.type).toBe('ok');
    if (result.type !== 'ok') return;
    const project = result.projects[0]!;
    expect(project.deploy).toEqual({
      image: 'registry.acme.test/shop',
      hook: 'sh deploy/hook.sh',
      health: { command: 'curl -fsS https://shop.acme.test/healthz', timeoutS: 120, successes: 3 },
      approvers: [111, 222],
      fourEyes: false,
      self: false,
      timeoutS: 900,
    });
    expect(Object.isFrozen(project.deploy)).toBe(true);
    expect(Object.isFrozen(project.deploy!.approvers)).toBe(true);
  });

  it('keeps what the file gives', () => {
    const given = {
      ...deploy,
      health: { ...deploy.health, timeoutS: 30, successes: 1 },
      approvers: [111],
      fourEyes: true,
      self: true,
      timeoutS: 60,
    };
    const result = parse({ ...base, deploy: given });
    expect(result.type === 'ok' && result.projects[0]!.deploy).toEqual({ ...given, approvers: [111] });
  });

  it('leaves deploy out when the file has no block', () => {
    const result = parse(base);
    expect(result.type === 'ok' && 'deploy' in result.projects[0]!).toBe(false);
  });

  it.each([
    [
      { ...deploy, image: 'registry.acme.test/shop:latest' },
      'projects[0].deploy.image: must be an image repository without tag',
    ],
    [{ ...deploy, image: 'Shop' }, 'projects[0].deploy.image'],
    [{ ...deploy, hook: '' }, 'projects[0].deploy.hook: must be a shell command'],
    [{ ...deploy, health: {} }, 'projects[0].deploy.health.command'],
    [{ ...deploy, health: { ...deploy.health, successes: 0 } }, 'projects[0].deploy.health.successes'],
    [{ ...deploy, approvers: [] }, 'projects[0].deploy.approvers: must list at least one'],
    [{ ...deploy, timeoutS: -1 }, 'projects[0].deploy.timeoutS'],
    [{ ...deploy, fourEyes: 'yes' }, 'projects[0].deploy.fourEyes'],
    [{ ...deploy, surprise: 1 }, 'projects[0].deploy'],
  ])('names the bad field: %#', (block, expected) => {
    const result = parse({ ...base, deploy: block });
    expect(result.type).toBe('invalid');
    if (result.type === 'invalid') expect(result.problems.join('\n')).toContain(expected);
  });

  it('refuses a project listing deploy without the block, naming the field', () => {
    const result = parse({ ...base, stages: ['analysis', 'development', 'deploy'] });
    expect(result.type).toBe('invalid');
    if (result.type === 'invalid')
      expect(result.problems.join('\n')).toContain(
        'projects[0].deploy: is required when stages lists deploy',
      );
  });

  it('accepts the deploy stage with its block after deploy-staging (ADR 0032)', () => {
    const staging = { health: { command: 'true' } };
    const result = parse({ ...base, deploy, staging, stages: ['analysis', 'development', 'deploy-staging', 'deploy'] });
    expect(result.type).toBe('ok');
    if (result.type === 'ok') expect(result.projects[0]!.stages).toContain('deploy');
  });
});
