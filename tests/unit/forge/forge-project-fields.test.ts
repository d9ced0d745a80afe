/** The forge-neutral project fields: `forge`, `requiredChecks`, and the merge method accessor. */
import { describe, expect, it } from 'vitest';
import { forgeOf, mergeMethodProblems } from '../../../core/config/merge-method.ts';
import { parseProjects, type ProjectConfig } from '../../../core/config/projects.ts';
import { ciVerdict } from '../../../core/gates/ci-verdict.ts';

const base = { id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/shop.git', chatId: -1001, approvers: [111], agents: { default: 'claude -p x' } };

function project(fields: Record<string, unknown>): ProjectConfig {
  const parsed = parseProjects(JSON.stringify({ projects: [{ ...base, ...fields }] }), 'projects.json');
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  return parsed.projects[0]!;
}

describe('forge project fields', () => {
  it('forge defaults to gitea; github and requiredChecks parse; an unknown forge is named', () => {
    expect(forgeOf(project({}))).toBe('gitea');
    expect(project({ forge: 'github', requiredChecks: ['build'] })).toMatchObject({ forge: 'github', requiredChecks: ['build'] });
    const bad = parseProjects(JSON.stringify({ projects: [{ ...base, forge: 'gitlab' }] }), 'projects.json');
    expect(bad.type === 'invalid' && bad.problems.join('\n')).toContain('projects[0].forge');
  });

  it('the merge method comes from the git block, squash by default; fast-forward is refused on GitHub', () => {
    expect(project({ forge: 'github' }).git.mergeMethod).toBe('squash');
    expect(project({ forge: 'github', git: { mergeMethod: 'rebase' } }).git.mergeMethod).toBe('rebase');
    const refused = parseProjects(JSON.stringify({ projects: [{ ...base, forge: 'github', git: { mergeMethod: 'fast-forward' } }] }), 'projects.json');
    expect(refused.type === 'invalid' && refused.problems.join('\n')).toMatch(/git\.mergeMethod: "fast-forward" is not a GitHub merge method/);
    expect(mergeMethodProblems(project({ forge: 'gitea', git: { mergeMethod: 'fast-forward' } }))).toEqual([]);
  });
});

describe('ciVerdict', () => {
  const s = (context: string, state: string, description = '', targetUrl: string | null = null) => ({ context, state, description, targetUrl });

  it('without required contexts every reported one counts; red names the failure with its link', () => {
    expect(ciVerdict([s('build', 'success'), s('lint', 'success')]).state).toBe('success');
    expect(ciVerdict([s('build', 'success'), s('lint', 'failure', 'Lint: 3 errors', 'https://ci/1')])).toEqual({
      state: 'failure',
      detail: 'lint: Lint: 3 errors (https://ci/1)',
    });
  });

  it('with required contexts: others are ignored, a missing required one keeps it pending', () => {
    expect(ciVerdict([s('build', 'success'), s('flaky', 'failure')], ['build']).state).toBe('success');
    expect(ciVerdict([s('build', 'success')], ['build', 'test']).state).toBe('pending');
    expect(ciVerdict([s('build', 'success'), s('test', 'error', 'boom')], ['build', 'test'])).toEqual({ state: 'failure', detail: 'test: boom' });
  });
});
