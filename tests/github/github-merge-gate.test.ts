/**
 * The merge gate with GitHub as the forge (real store, engine, queue, git remote; the GitHub
 * stand-in over the same bare repository): the tested head is squash-merged through GitHub's API
 * with the sha guard, and a merge that branch protection refuses escalates the task with GitHub's
 * message — one attempt, no retry loop, the merge lease released.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mergeLeaseHolder } from '../../core/store/merge-lease.ts';
import { git, remoteFile } from '../support/git-fixtures.ts';
import { mergePhaseHarness, type MergePhaseHarness } from '../support/merge-phase-harness.ts';

let h: MergePhaseHarness;
afterEach(async () => h.cleanup());

describe('merge gate on GitHub', () => {
  it('merges the tested head through GitHub (squash by default) and finishes the task', async () => {
    h = await mergePhaseHarness({ github: true });
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const before = await git(h.git.remote, ['rev-parse', 'main']);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect(await git(h.git.remote, ['log', '--format=%P', `${before}..main`])).toBe(before);
    expect(await remoteFile(h.git.remote, 'main', 'notes/one.txt')).toBe('1');
    expect((await h.task(one)).stage).toBe('done');
  });

  it('branch protection refusing the merge escalates with GitHub\'s message, once', async () => {
    h = await mergePhaseHarness({ github: true });
    const repo = h.github!.state.repo(h.project.repo)!;
    repo.protection = { requiredChecks: [], requiredApprovals: 1 };
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const main = await git(h.git.remote, ['rev-parse', 'main']);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'MergeBlocked' } });
    expect(await h.task(one)).toMatchObject({
      escalated: true,
      escalationReason: expect.stringContaining('GitHub refused the merge: At least 1 approving review is required by reviewers with write access.'),
    });
    expect(await mergeLeaseHolder(h.store.db, h.project.id)).toBeNull();
    expect(await h.runJob('merge')).toBeNull();
    const merges = h.github!.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/merge'));
    expect(merges).toHaveLength(1);
    expect(await git(h.git.remote, ['rev-parse', 'main'])).toBe(main);
  });
});
