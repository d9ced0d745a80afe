/**
 * The deploy-staging stage in the engine, with a real git remote and workspace and a scripted
 * StagingRunnerPort: the report is committed on the task branch, SUCCESS leaves staging for the
 * merge (a report-only commit counts as fresh), FAILED rolls back with the runner's must-fix text,
 * a head that moved beyond the report is staged again, and no runner is never a green.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderCard } from '../../bot/render/render-card.ts';
import { stagingFreshness } from '../../core/gates/staging-freshness.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { mergeLeaseHolder } from '../../core/store/merge-lease.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { pushCommit, remoteFile, remoteSha } from '../support/git-fixtures.ts';
import {
  mergePhaseHarness,
  ScriptedStaging,
  type MergePhaseHarness,
} from '../support/merge-phase-harness.ts';

const STAGES = ['analysis', 'development', 'review', 'testing', 'deploy-staging'];
let h: MergePhaseHarness;
afterEach(async () => h.cleanup());

describe('deploy-staging in the engine', () => {
  it('SUCCESS: records the run, commits the report, and the report-only head is merged without staging again', async () => {
    const staging = new ScriptedStaging(['SUCCESS']);
    h = await mergePhaseHarness({ stages: STAGES, staging });
    const id = await h.taskPassingTests(1, { 'src/feature.txt': 'feature\n' });
    expect(await h.task(id)).toMatchObject({ stage: 'deploy-staging', phase: 'working' });
    expect((await mergeLeaseHolder(h.store.db, 'SHOP'))?.holder).toBe(id);
    const tested = (await h.task(id)).headSha;

    expect(await h.runJob('staging')).toMatchObject({ type: 'done', event: { type: 'StagingFinished' } });
    expect(staging.calls.map((c) => c.sha)).toEqual([tested]);
    const report = await remoteFile(h.git.remote, `task/${id}`, `docs/work-items/${id}/14-staging-report.md`);
    expect(report).toContain('VERDICT: SUCCESS');
    const task = await h.task(id);
    expect(task).toMatchObject({
      stage: 'deploy-staging',
      phase: 'merging',
      stagingVerdict: 'SUCCESS',
      stagingRevision: tested,
      stagingWaived: ['C9a'],
      stagingImageRef: `conveyor/shop:${tested}`,
    });
    expect(task.headSha).not.toBe(tested); // the report commit
    expect(task.lastEvent).toContain('waived C9a');
    const card = (await buildCardView(h.store, h.queue, new Map([[h.project.id, h.project]]), id, 3, null))!;
    expect(renderCard(card, 'en', Date.now(), 'text')).toContain('🧪 staging: SUCCESS · waived C9a');
    expect(renderCard(card, 'ru', Date.now(), 'html')).toContain('🧪 стейджинг: SUCCESS · пропущены C9a');

    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect(await h.task(id)).toMatchObject({ stage: 'done' });
    expect(await remoteFile(h.git.remote, 'main', 'src/feature.txt')).toBe('feature');
    expect(staging.calls).toHaveLength(1);
    expect(await mergeLeaseHolder(h.store.db, 'SHOP')).toBeNull();
  });

  it('FAILED: rolls back to development with the must-fix text verbatim and releases the lease', async () => {
    h = await mergePhaseHarness({ stages: STAGES, staging: new ScriptedStaging(['FAILED']) });
    const id = await h.taskPassingTests(1, { 'src/feature.txt': 'feature\n' });
    await h.runJob('staging');
    const task = await h.task(id);
    expect(task).toMatchObject({
      stage: 'development',
      phase: 'working',
      stagingVerdict: 'FAILED',
      rollbacks: 1,
      mergeQueuedAt: null,
    });
    expect(task.mustFix).toContain('wget: server returned error: HTTP/1.1 500 Internal Server Error');
    expect(await mergeLeaseHolder(h.store.db, 'SHOP')).toBeNull();
    expect(
      await remoteFile(h.git.remote, `task/${id}`, `docs/work-items/${id}/14-staging-report.md`),
    ).toContain('VERDICT: FAILED');
    expect(await remoteFile(h.git.remote, 'main', 'src/feature.txt')).toBeNull();
  });

  it('a head that moved beyond the report after staging is staged again, never promoted', async () => {
    const staging = new ScriptedStaging(['SUCCESS', 'SUCCESS']);
    h = await mergePhaseHarness({ stages: STAGES, staging });
    const id = await h.taskPassingTests(1, { 'src/feature.txt': 'feature\n' });
    await h.runJob('staging');
    // A person pushes a code fix to the task branch after staging validated the earlier head.
    const moved = await pushCommit(
      h.git.remote,
      `task/${id}`,
      { 'src/feature.txt': 'feature, fixed\n' },
      'late fix',
    );
    expect(await h.runJob('merge')).toMatchObject({
      type: 'done',
      event: { type: 'StagingStale', headSha: moved },
    });
    expect(await h.task(id)).toMatchObject({ stage: 'deploy-staging', phase: 'working' });
    expect(await remoteFile(h.git.remote, 'main', 'src/feature.txt')).toBeNull();
    await h.runJob('staging');
    expect(staging.calls.map((c) => c.sha)).toEqual([expect.any(String), moved]);
    await h.runJob('merge');
    expect(await h.task(id)).toMatchObject({ stage: 'done' });
    expect(await remoteFile(h.git.remote, 'main', 'src/feature.txt')).toBe('feature, fixed');
  });

  it('with no staging runner (no Docker engine) the task escalates with the reason; nothing merges', async () => {
    h = await mergePhaseHarness({ stages: STAGES, staging: null });
    const id = await h.taskPassingTests(1, { 'src/feature.txt': 'feature\n' });
    const mainBefore = await remoteSha(h.git.remote, 'main');
    expect(await h.runJob('staging')).toMatchObject({
      type: 'failed',
      error: expect.stringMatching(/no Docker engine/),
    });
    expect(await h.task(id)).toMatchObject({
      escalated: true,
      escalationReason: expect.stringMatching(/no Docker engine/),
      mergeQueuedAt: null,
    });
    expect((await h.task(id)).stagingVerdict).toBeNull();
    expect(await remoteSha(h.git.remote, 'main')).toBe(mainBefore);
    expect((await transitionsOf(h.store.db, id)).some((t) => t.toPhase === 'merging')).toBe(false);
    // /retry after the engine is configured runs staging again (a new job, not the dead one's key).
    await h.handle({ type: 'RetryRequested', key: 'retry:1', taskId: id, actor: 'telegram:111' });
    expect(await h.task(id)).toMatchObject({ stage: 'deploy-staging', phase: 'working', escalated: false });
    expect((await mergeLeaseHolder(h.store.db, 'SHOP'))?.holder).toBe(id);
    expect((await h.queue.activeForTask(id)).map((j) => j.kind)).toEqual(['staging']);
  });
});

describe('staging freshness', () => {
  const rev = 'a'.repeat(40);
  const head = 'b'.repeat(40);
  it.each([
    ['same revision', rev, rev, [], 'fresh'],
    ['only the report changed', rev, head, ['docs/work-items/SHOP-1/14-staging-report.md'], 'fresh'],
    ['code changed', rev, head, ['docs/work-items/SHOP-1/14-staging-report.md', 'src/app.js'], 'stale'],
    ["another task's work item", rev, head, ['docs/work-items/SHOP-2/14-staging-report.md'], 'stale'],
    ['no paths but a different head (history rewritten)', rev, head, [], 'stale'],
    ['no revision', null, head, [], 'stale'],
  ] as const)('%s → %s', (_name, revision, h2, changed, expected) => {
    expect(stagingFreshness('SHOP-1', revision, h2, changed).type).toBe(expected);
  });
});
