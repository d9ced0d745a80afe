/** The projects file's `git` block: defaults, values kept, and problems that name the field. */
import { describe, expect, it } from 'vitest';
import { parseProjects } from '../../core/config/projects.ts';

const base = { id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/shop.git', chatId: -1001, approvers: [111], agents: { default: 'claude -p x' } };

function parse(git: unknown) {
  return parseProjects(JSON.stringify({ projects: [git === undefined ? base : { ...base, git }] }), 'projects.json');
}

describe('projects file: git block', () => {
  it('defaults to Conveyor <conveyor@localhost>, no signing, squash', () => {
    const result = parse(undefined);
    if (result.type !== 'ok') throw new Error(result.problems.join('\n'));
    expect(result.projects[0]!.git).toEqual({ authorName: 'Conveyor', authorEmail: 'conveyor@localhost', mergeMethod: 'squash' });
    expect(Object.isFrozen(result.projects[0]!.git)).toBe(true);
  });

  it('keeps what the block sets', () => {
    const git = { authorName: 'Shop Bot', authorEmail: 'bot@acme.test', signingKey: '/run/secrets/signing_key', mergeMethod: 'fast-forward' };
    const result = parse(git);
    if (result.type !== 'ok') throw new Error(result.problems.join('\n'));
    expect(result.projects[0]!.git).toEqual(git);
    const partial = parse({ mergeMethod: 'merge' });
    expect(partial.type === 'ok' && partial.projects[0]!.git).toEqual({ authorName: 'Conveyor', authorEmail: 'conveyor@localhost', mergeMethod: 'merge' });
  });

  it.each([
    [{ mergeMethod: 'octopus' }, 'projects[0].git.mergeMethod: must be one of "squash", "merge", "rebase", "fast-forward"'],
    [{ authorEmail: 'not an email' }, 'projects[0].git.authorEmail: must be an email address, e.g. "conveyor@acme.test"'],
    [{ authorName: 'Eve <eve@x>' }, 'projects[0].git.authorName: must not contain <, > or line breaks'],
    [{ authorName: '' }, 'projects[0].git.authorName: must be a name'],
    [{ signingKey: 'keys/signing' }, 'projects[0].git.signingKey: must be an absolute path of an SSH private key'],
    [{ signingKey: 42 }, 'projects[0].git.signingKey: must be a string, e.g. "/run/secrets/conveyor_signing_key"'],
    [{ mergemethod: 'squash' }, 'projects[0].git: unknown field "mergemethod"'],
    ['squash', 'projects[0].git: must be an object, e.g. { "mergeMethod": "squash" }'],
  ])('names the field: %#', (git, expected) => {
    const result = parse(git);
    expect(result.type).toBe('invalid');
    if (result.type === 'invalid') expect(result.problems.join('\n')).toContain(expected);
  });
});
