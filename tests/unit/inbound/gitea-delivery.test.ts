import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapGiteaDelivery } from '../../../adapters/gitea/gitea-facts.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const load = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
const A1 = '5b1a5682324fb5dc6ebdbfcc9f6e1d6f302f3c90';
const A3 = '2d1b71d83b4224b8d893422741b4cc822451c610';
const S1 = '76b3d740e980c525036f99c6369f08d70e0924b9';

describe('mapGiteaDelivery: fixtures', () => {
  it('push → branch push fact', () => {
    expect(mapGiteaDelivery('push', load('gitea-push'))).toEqual({
      type: 'push',
      repo: 'acme/shop',
      branch: 'task/SHOP-42',
      ref: 'refs/heads/task/SHOP-42',
      after: A3,
      before: A1,
      defaultBranch: 'main',
      deleted: false,
    });
  });

  it('status failure and success → status facts (latest wins by id)', () => {
    const common = { type: 'status', repo: 'acme/shop', sha: A3, context: 'CI / test (push)', targetUrl: 'https://git.acme.test/acme/shop/actions/runs/57/jobs/0' };
    expect(mapGiteaDelivery('status', load('gitea-status-failure'))).toEqual({ ...common, state: 'failure', description: 'Failing after 48s', statusId: 311 });
    expect(mapGiteaDelivery('status', load('gitea-status-success'))).toEqual({ ...common, state: 'success', description: 'Successful in 1m42s', statusId: 318 });
  });

  it('pull request opened → pr-opened', () => {
    expect(mapGiteaDelivery('pull_request', load('gitea-pull_request-opened'))).toEqual({
      type: 'pr-opened',
      repo: 'acme/shop',
      number: 7,
      headBranch: 'task/SHOP-42',
      headSha: A3,
    });
  });

  it('pull request closed with merged:true → pr-merged with the merge commit', () => {
    expect(mapGiteaDelivery('pull_request', load('gitea-pull_request-merged'))).toEqual({
      type: 'pr-merged',
      repo: 'acme/shop',
      number: 7,
      headBranch: 'task/SHOP-42',
      headSha: A3,
      mergeSha: S1,
    });
  });
});

describe('mapGiteaDelivery: variants', () => {
  it('a branch deletion push is marked deleted', () => {
    const fact = mapGiteaDelivery('push', { ...load('gitea-push'), after: '0'.repeat(40) });
    expect(fact).toMatchObject({ type: 'push', deleted: true });
  });

  it.each([
    ['a tag push', 'push', { ref: 'refs/tags/v1.0.0' }, /not a branch/],
    ['a bare refs/heads/', 'push', { ref: 'refs/heads/' }, /not a branch/],
    ['a push without after', 'push', { after: undefined }, /without ref/],
    ['a PR closed without merge', 'pull_request', { action: 'closed', pull_request: { ...load('gitea-pull_request-opened')['pull_request'] as object, merged: false } }, /without merge/],
    ['a PR synchronized', 'pull_request', { action: 'synchronized' }, /synchronized/],
    ['a PR without number', 'pull_request', { number: '7', pull_request: { head: { ref: 'x' } } }, /without number/],
    ['an unknown status state', 'status', { state: 'exploded' }, /unknown/],
    ['a status without sha', 'status', { sha: '' }, /without sha/],
    ['no repository', 'push', { repository: null }, /repository/],
    ['an unused event', 'issues', {}, /not used/],
  ])('%s → ignored', (_label, event, change, reason) => {
    const base = event === 'status' ? load('gitea-status-failure') : event === 'pull_request' ? load('gitea-pull_request-opened') : load('gitea-push');
    const fact = mapGiteaDelivery(event, { ...base, ...change });
    expect(fact.type).toBe('ignored');
    expect(fact.type === 'ignored' && fact.reason).toMatch(reason);
  });

  it('a PR reopened is an opened PR; a head ref that lost its branch is kept as given', () => {
    const opened = load('gitea-pull_request-opened');
    const pr = opened['pull_request'] as Record<string, unknown>;
    const fact = mapGiteaDelivery('pull_request', { ...opened, action: 'reopened', pull_request: { ...pr, head: { ref: 'refs/pull/7/head', sha: A3 } } });
    expect(fact).toMatchObject({ type: 'pr-opened', headBranch: 'refs/pull/7/head' });
  });

  it('a merged PR without a merge commit sha still reports the merge', () => {
    const merged = load('gitea-pull_request-merged');
    const pr = merged['pull_request'] as Record<string, unknown>;
    expect(mapGiteaDelivery('pull_request', { ...merged, pull_request: { ...pr, merge_commit_sha: null } })).toMatchObject({ type: 'pr-merged', mergeSha: null });
  });

  it.each([null, undefined, 42, 'push', [], [load('gitea-push')]])('a non-object payload (%j) is ignored', (payload) => {
    expect(mapGiteaDelivery('push', payload)).toMatchObject({ type: 'ignored' });
  });

  it('keeps reasons short even for a huge event name', () => {
    const fact = mapGiteaDelivery('x'.repeat(10_000), load('gitea-push'));
    expect(fact.type === 'ignored' && fact.reason.length).toBeLessThanOrEqual(200);
  });

  it('never throws on any JSON or any fixture with fields removed or replaced', () => {
    const fixtures = ['gitea-push', 'gitea-status-failure', 'gitea-pull_request-opened', 'gitea-pull_request-merged'].map(load);
    fc.assert(
      fc.property(
        fc.constantFrom('push', 'status', 'pull_request', ''),
        fc.oneof(
          fc.jsonValue(),
          fc.tuple(fc.constantFrom(...fixtures), fc.dictionary(fc.constantFrom('ref', 'after', 'before', 'sha', 'state', 'context', 'action', 'number', 'pull_request', 'repository', 'id'), fc.jsonValue())).map(([base, patch]) => ({ ...base, ...patch })),
        ),
        (event, payload) => {
          const fact = mapGiteaDelivery(event, payload);
          expect(['push', 'status', 'pr-opened', 'pr-merged', 'ignored']).toContain(fact.type);
          if (fact.type !== 'ignored') expect(typeof fact.repo).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
