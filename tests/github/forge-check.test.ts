/** doctor's forge check: a project on GitHub needs GITHUB_TOKEN and GITHUB_WEBHOOK_SECRET. */
import { describe, expect, it } from 'vitest';
import { forgeProblems } from '../../app/forge-check.ts';
import { loadConfig } from '../../core/config/config.ts';
import { fixtureProject } from '../inbound/inbound-harness.ts';

describe('forgeProblems', () => {
  it('names each missing GitHub variable and the projects that need it; nothing for Gitea projects', () => {
    const github = fixtureProject({ forge: 'github' });
    expect(forgeProblems(loadConfig({}), [github])).toEqual([
      'GITHUB_TOKEN: required by projects on GitHub (SHOP) — no PR can be opened or merged without it',
      'GITHUB_WEBHOOK_SECRET: required by projects on GitHub (SHOP) — /webhooks/github answers 401 to every delivery without it',
    ]);
    expect(forgeProblems(loadConfig({ GITHUB_TOKEN: 'ghp_x', GITHUB_WEBHOOK_SECRET: 's' }), [github])).toEqual([]);
    expect(forgeProblems(loadConfig({}), [fixtureProject()])).toEqual([]);
  });

  it('GITHUB_API_URL defaults to api.github.com; an Enterprise URL is kept without its trailing slash', () => {
    expect(loadConfig({ GITHUB_TOKEN: 'ghp_x' }).github).toEqual({ apiUrl: 'https://api.github.com', token: 'ghp_x' });
    expect(loadConfig({ GITHUB_TOKEN: 'ghp_x', GITHUB_API_URL: 'https://ghe.acme.test/api/v3/' }).github?.apiUrl).toBe('https://ghe.acme.test/api/v3');
    expect(() => loadConfig({ GITHUB_API_URL: 'https://ghe.acme.test/api/v3' })).toThrow(/GITHUB_TOKEN: required when GITHUB_API_URL is set/);
  });
});
