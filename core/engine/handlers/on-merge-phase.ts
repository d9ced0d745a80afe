/**
 * Events of the merge phase besides the merge itself (ADR 0023): staging finished, a rebased
 * head waiting for the forge's CI, a stale staging result, and the phase blocked for a person.
 */
import { MUST_FIX_LIMIT, truncateWithPointer } from '../../artifacts/truncate.ts';
import type { DomainEvent } from '../../domain/events.ts';
import { inMergePhase } from '../../domain/merge-phase.ts';
import { artifactsDirOf } from '../../domain/task.ts';
import { stagingFreshness } from '../../gates/staging-freshness.ts';
import type { Draft } from '../draft.ts';
import { startStaging } from '../merge-moves.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { advance, escalate, onRed } from '../task-moves.ts';
import { evaluateCi } from './on-ci-status.ts';

type StagingFinished = Extract<DomainEvent, { type: 'StagingFinished' }>;
type MergeRetestRequested = Extract<DomainEvent, { type: 'MergeRetestRequested' }>;
type StagingStale = Extract<DomainEvent, { type: 'StagingStale' }>;
type MergeBlocked = Extract<DomainEvent, { type: 'MergeBlocked' }>;

/** The staging job's verdict: record it, then leave staging (fresh), stage again (stale) or roll back. */
export function decideStagingFinished(d: Draft, event: StagingFinished): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.stage !== 'deploy-staging' || task.phase !== 'working' || task.escalated)
    return noop(`stale staging result for ${task.id} (${task.stage}/${task.phase})`);
  const f = event.facts;
  const short = f.revision.slice(0, 7);
  const waived = f.waived.length > 0 ? ` · waived ${f.waived.join(', ')}` : '';
  const recorded = d.move(
    task,
    {
      headSha: f.headSha,
      stagingImageId: f.imageId,
      stagingImageRef: f.imageRef,
      stagingRevision: f.revision,
      stagingVerdict: f.verdict,
      stagingWaived: [...f.waived],
      lastEvent: `staging ${f.verdict} on ${short}${waived}`,
    },
    `staging ${f.verdict}`,
    'staging',
  );
  if (f.verdict === 'FAILED') {
    const pointer = `${artifactsDirOf(task.id)}/14-staging-report.md`;
    const mustFix = truncateWithPointer(f.mustFix ?? f.reason ?? 'staging failed', MUST_FIX_LIMIT, pointer);
    return d.applied(onRed(d, recorded, `staging failed: ${f.reason ?? 'see the report'}`, mustFix, 'staging', recorded.lastEvent).id);
  }
  const fresh = stagingFreshness(task.id, f.revision, f.headSha, f.changedSinceRevision);
  if (fresh.type === 'stale')
    return d.applied(startStaging(d, recorded, `staging result stale: ${fresh.reason}; staging again`, 'staging', { lastEvent: recorded.lastEvent }).id);
  return d.applied(advance(d, recorded, 'staging green', 'staging', recorded.lastEvent).id);
}

/** The merge step found the validated image stale (the head moved beyond report commits): stage again. */
export function decideStagingStale(d: Draft, event: StagingStale): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  // The merge step after staging, or the deploy job's freshness check / the merge after deploy.
  const atStep =
    (task.stage === 'deploy-staging' && task.phase === 'merging') ||
    (task.stage === 'deploy' && (task.phase === 'merging' || task.phase === 'working'));
  if (!atStep || task.escalated) return noop(`${task.id} is not at the merge step of staging`);
  const lastEvent = `staged image stale at ${event.headSha.slice(0, 7)}; staging again`;
  return d.applied(startStaging(d, { ...task, headSha: event.headSha }, lastEvent, event.actor, { headSha: event.headSha, lastEvent }).id);
}

/** A rebased head must be judged by the forge's CI first: wait for its status (webhook or reconciler). */
export function decideMergeRetestRequested(d: Draft, event: MergeRetestRequested): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (!inMergePhase(task) || task.phase === 'awaiting-ci')
    return noop(`${task.id} is not running a merge-phase job`);
  const project = d.project(task);
  // Waiting for the forge is part of the phase: the lease stays ours for the CI budget.
  d.add({ type: 'renew-merge-lease', task, ttlMs: Math.max(15 * 60_000, (project.ciTimeoutS ?? 900) * 1000 * 2) });
  const next = d.move(
    task,
    {
      headSha: event.sha,
      behindDefault: false,
      phase: 'awaiting-ci',
      lastEvent: `rebased onto ${project.defaultBranch} at ${event.sha.slice(0, 7)}; re-testing`,
    },
    'rebased; waiting for CI on the new head',
    event.actor,
  );
  evaluateCi(d, next);
  return d.applied(next.id);
}

/** The merge phase cannot go on by itself: escalate with the reason (the lease is released). */
export function decideMergeBlocked(d: Draft, event: MergeBlocked): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (!inMergePhase(task)) return noop(`${task.id} is not in the merge phase`);
  return d.applied(escalate(d, task, event.reason, event.actor, 'merge blocked').id);
}
