/**
 * The listener warns about an unset webhook secret only for the sources the projects use
 * (webhookSourcesOf): a GitHub-only team hears nothing about Gitea or Plane, and a GitHub project
 * without GITHUB_WEBHOOK_SECRET is told its deliveries will be refused.
 */
import { describe, expect, it } from 'vitest';
import { webhookSourcesOf } from '../../app/integrations.ts';
import { githubIssuesProject } from '../support/github-issues-project.ts';
import { fixtureProject } from '../inbound/inbound-harness.ts';
import { makeListener } from './webhook-harness.ts';

const warned = (overrides: Parameters<typeof makeListener>[0]) => {
  const listener = makeListener(overrides);
  try {
    return listener.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  } finally {
    listener.cleanup();
  }
};

describe('webhook secret warnings', () => {
  it('names the sources of the projects: each forge, and Plane only when a project has it', () => {
    expect(webhookSourcesOf([githubIssuesProject('/tmp/shop.git')])).toEqual(['github']);
    expect(webhookSourcesOf([fixtureProject({ forge: 'github' })]).sort()).toEqual(['github', 'plane']);
    expect(webhookSourcesOf([fixtureProject({})]).sort()).toEqual(['gitea', 'plane']);
  });

  it('a GitHub-only team: no word about Gitea or Plane; a missing GitHub secret is warned about', () => {
    expect(warned({ giteaSecret: null, planeSecret: null, githubSecret: 'set', sources: ['github'] })).toEqual([]);
    expect(warned({ giteaSecret: null, planeSecret: null, githubSecret: null, sources: ['github'] })).toEqual([
      'github webhook secret is not configured: every github delivery will be refused (401)',
    ]);
  });

  it('without sources (callers that predate them): Gitea and Plane, as before', () => {
    expect(warned({ giteaSecret: null, planeSecret: null })).toEqual([
      'gitea webhook secret is not configured: every gitea delivery will be refused (401)',
      'plane webhook secret is not configured: every plane delivery will be refused (401)',
    ]);
  });
});
