import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapStoredDelivery } from '../../../core/inbound/stored-delivery.ts';
import { isGiteaEvent, resolveGiteaEvent } from '../../../adapters/gitea/gitea-events.ts';
import { isGithubEvent } from '../../../adapters/github/github-events.ts';
import { isPlaneEvent, normalizePlaneEvent } from '../../../adapters/plane/plane-events.ts';
import { mapPlaneDelivery } from '../../../adapters/plane/plane-delivery.ts';
import { mapGiteaDelivery } from '../../../adapters/gitea/gitea-facts.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const text = (name: string) => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
// The composition root registers every source's mapper; core has none built in.
const MAPPERS = { gitea: mapGiteaDelivery, plane: (event: string, payload: unknown) => mapPlaneDelivery(event, payload) };

describe('mapStoredDelivery', () => {
  it.each([
    ['gitea', 'push', 'gitea-push', 'push'],
    ['gitea', 'status', 'gitea-status-failure', 'status'],
    ['gitea', 'status', 'gitea-status-success', 'status'],
    ['gitea', 'pull_request', 'gitea-pull_request-opened', 'pr-opened'],
    ['gitea', 'pull_request', 'gitea-pull_request-merged', 'pr-merged'],
    ['plane', 'issue', 'plane-issue-created', 'tracker-issue'],
    ['plane', 'issue', 'plane-issue-updated-state', 'tracker-state-changed'],
  ])('%s %s (%s) → %s', (source, event, name, type) => {
    expect(mapStoredDelivery({ source, event, payload: text(name) }, MAPPERS).type).toBe(type);
  });

  it('routes by source: a Plane body stored as Gitea is not a Plane fact', () => {
    expect(mapStoredDelivery({ source: 'gitea', event: 'issue', payload: text('plane-issue-created') }, MAPPERS)).toMatchObject({ type: 'ignored' });
  });

  it('an unparsable payload or an unknown source is ignored, not thrown', () => {
    expect(mapStoredDelivery({ source: 'gitea', event: 'push', payload: '{"ref":' })).toEqual({ type: 'ignored', reason: 'stored payload is not valid JSON' });
    expect(mapStoredDelivery({ source: 'github', event: 'push', payload: text('gitea-push') }, MAPPERS)).toMatchObject({ type: 'ignored', reason: expect.stringContaining('github') });
    // Core has no Gitea mapping of its own: without the registered mapper a Gitea row is unknown.
    expect(mapStoredDelivery({ source: 'gitea', event: 'push', payload: text('gitea-push') })).toMatchObject({ type: 'ignored', reason: expect.stringContaining('gitea') });
    // Nor a Plane one (ADR 0044): the Plane adapter's mapper is registered like the forges'.
    expect(mapStoredDelivery({ source: 'plane', event: 'issue', payload: text('plane-issue-created') })).toMatchObject({ type: 'ignored', reason: expect.stringContaining('plane') });
  });
});

describe('webhook events', () => {
  it('resolves the Gitea event, falling back to the event type when the event is empty', () => {
    expect(resolveGiteaEvent('push', 'push')).toBe('push');
    expect(resolveGiteaEvent('', 'status')).toBe('status');
    expect(resolveGiteaEvent('  ', 'status')).toBe('status');
    expect(resolveGiteaEvent(null, 'pull_request_sync')).toBe('pull_request');
    expect(resolveGiteaEvent(undefined, 'pull_request_review_approved')).toBe('pull_request_review_approved');
    expect(resolveGiteaEvent('', '')).toBeNull();
    expect(resolveGiteaEvent(null, null)).toBeNull();
  });

  it('knows which events are acted on', () => {
    for (const event of ['push', 'status', 'pull_request']) expect(isGiteaEvent(event)).toBe(true);
    for (const event of ['issues', 'delete', 'create', 'workflow_run', 'Push']) expect(isGiteaEvent(event)).toBe(false);
    for (const event of ['issue', 'workitem.created', 'workitem.updated', 'WebhookScope.ScopeChoices.WORK_ITEM_UPDATED']) expect(isPlaneEvent(event)).toBe(true);
    for (const event of ['project', 'cycle', 'issue_comment', 'workitem.deleted', 'push']) expect(isPlaneEvent(event)).toBe(false);
    for (const event of ['push', 'status', 'check_run', 'check_suite', 'pull_request', 'issues']) expect(isGithubEvent(event)).toBe(true);
    for (const event of ['ping', 'issue_comment', 'workflow_run', 'Push']) expect(isGithubEvent(event)).toBe(false);
  });

  it('normalizes Plane event spellings', () => {
    expect(normalizePlaneEvent('Issue ')).toBe('issue');
    expect(normalizePlaneEvent('WebhookScope.ScopeChoices.WORK_ITEM_CREATED')).toBe('workitem.created');
    expect(normalizePlaneEvent('workitem.comment.created')).toBe('workitem.comment.created');
  });
});
