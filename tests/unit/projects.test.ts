import { describe, expect, it } from 'vitest';
import { agentCommand, parseProjects } from '../../core/config/projects.ts';

const base = { id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/shop.git', chatId: -1001, approvers: [111], agents: { default: 'claude -p x' } };

function parse(project: Record<string, unknown>) {
  return parseProjects(JSON.stringify({ projects: [project] }), 'projects.json');
}

describe('projects file', () => {
  it('applies defaults and freezes the result', () => {
    const result = parse(base);
    expect(result.type).toBe('ok');
    if (result.type !== 'ok') return;
    const project = result.projects[0]!;
    expect(project).toMatchObject({ defaultBranch: 'main', chatId: '-1001', stages: ['analysis', 'development', 'review', 'testing'] });
    expect(Object.isFrozen(project)).toBe(true);
    expect(agentCommand(project, 'reviewer')).toBe('claude -p x');
  });

  it.each([
    [{ ...base, id: 'shop' }, 'projects.json: projects[0].id: must be 1–20 upper-case letters'],
    [{ ...base, approvers: [] }, 'projects[0].approvers: must list at least one Telegram user id'],
    [{ ...base, agents: { reviewer: 'x' } }, 'projects[0].agents: agents must give a command for every role'],
    [{ ...base, stages: ['development'] }, 'projects[0].stages: must include analysis and development'],
    [{ ...base, stages: ['analysis', 'development', 'deploy'] }, 'projects[0].deploy: is required when stages lists deploy'],
    [{ ...base, stages: ['analysis', 'development', 'deploy'] }, 'projects[0].stages: lists deploy without deploy-staging'],
    [{ ...base, surprise: true }, 'projects[0]'],
    [{ ...base, plane: { projectId: 'p', people: { 'u-1': 'alice' } } }, 'projects[0].plane.people.u-1'],
    [{ ...base, plane: { projectId: 'p', people: { 'u-1': -5 } } }, 'must be a Telegram user id'],
  ])('names the field: %#', (project, expected) => {
    const result = parse(project);
    expect(result.type).toBe('invalid');
    if (result.type === 'invalid') expect(result.problems.join('\n')).toContain(expected);
  });

  it('reads plane.people: Plane user ids to Telegram ids (ADR 0035)', () => {
    const result = parse({ ...base, plane: { projectId: 'p', people: { '781b9a43-d04c-450b-8620-f0877e5fe381': 111 } } });
    expect(result.type === 'ok' && result.projects[0]!.plane?.people).toEqual({ '781b9a43-d04c-450b-8620-f0877e5fe381': 111 });
  });

  it('rejects invalid JSON and duplicate ids', () => {
    expect(parseProjects('{', 'p.json')).toMatchObject({ type: 'invalid' });
    const dup = parseProjects(JSON.stringify({ projects: [base, base] }), 'p.json');
    expect(dup.type === 'invalid' && dup.problems[0]).toContain('id SHOP is used twice');
  });

  it('reads agentRunner: process by default, a process user, a container with its defaults', () => {
    const runnerOf = (agentRunner?: unknown) => {
      const result = parse(agentRunner === undefined ? base : { ...base, agentRunner });
      if (result.type !== 'ok') throw new Error(result.problems.join('\n'));
      return result.projects[0]!.agentRunner;
    };
    expect(runnerOf()).toEqual({ type: 'process' });
    expect(runnerOf({ type: 'process', user: '1001:1001' })).toEqual({ type: 'process', user: '1001:1001' });
    expect(runnerOf({ type: 'container', image: 'agent:1' })).toEqual({ type: 'container', image: 'agent:1', network: 'none', user: '1000:1000' });
    expect(runnerOf({ type: 'container', image: 'agent:1', network: 'bridge', memoryMb: 2048, user: '2000:2000' })).toEqual({
      type: 'container',
      image: 'agent:1',
      network: 'bridge',
      memoryMb: 2048,
      user: '2000:2000',
    });
  });

  it.each([
    [{ type: 'process', user: 'agent' }, 'projects[0].agentRunner.user: must be "uid:gid" with numbers, e.g. "1001:1001"'],
    [{ type: 'process', user: '1001' }, 'projects[0].agentRunner.user: must be "uid:gid"'],
    [{ type: 'container', image: 'x', user: '-1:0' }, 'projects[0].agentRunner.user: must be "uid:gid"'],
    [{ type: 'container' }, 'projects[0].agentRunner.image'],
    [{ type: 'vm' }, 'projects[0].agentRunner.type'],
    [{ type: 'process', image: 'x' }, 'projects[0].agentRunner'],
    [{ type: 'container', image: 'x', memoryMb: 0 }, 'projects[0].agentRunner.memoryMb'],
  ])('names the agentRunner field: %#', (agentRunner, expected) => {
    const result = parse({ ...base, agentRunner });
    expect(result.type).toBe('invalid');
    if (result.type === 'invalid') expect(result.problems.join('\n')).toContain(expected);
  });

  it('keeps stage order canonical whatever order the file lists', () => {
    const result = parse({ ...base, stages: ['testing', 'development', 'analysis'] });
    expect(result.type === 'ok' && result.projects[0]!.stages).toEqual(['analysis', 'development', 'testing']);
  });
});
