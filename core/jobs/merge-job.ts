/**
 * The merge step (design §10, ADR 0023), holding the project's merge lease: catch up with the
 * default branch (rebase, push the task branch, re-test), check that a staged image is still
 * fresh, then merge only the tested head — through the forge's API with that sha as the guard,
 * or by a plain push of the project's merge method (ADR 0037: the tested tree is what lands). A busy lease defers the job; it is never a red gate.
 */
import { stagingFreshness } from '../gates/staging-freshness.ts';
import type { JobHandler } from '../queue/worker-pool.ts';
import { catchUpAndRetest } from './catch-up.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';
import { holdMergeLease } from './merge-lease-hold.ts';
import { landingTitle } from '../config/git-policy-schema.ts';

export function mergeJob(deps: JobDeps): JobHandler {
  return {
    async run(job) {
      const { task, project } = await jobSubject(deps, job);
      if (task.phase !== 'merging' || task.escalated) return { type: 'done' };
      const hold = await holdMergeLease(deps, job, task);
      if (hold.type === 'wait') return hold.outcome;
      try {
        const key = `job:${job.id}:merge`;
        for (let round = 0; round < 3; round += 1) {
          const ready = await catchUpAndRetest(deps, job, task, project, round);
          if (ready.type === 'event') return { type: 'done', event: ready.event };
          const head = ready.headSha;
          if (project.stages.includes('deploy-staging')) {
            const changed = task.stagingRevision && task.stagingRevision !== head ? await deps.workspace.changedPaths(project, task.id, task.stagingRevision, head) : [];
            const fresh = task.stagingVerdict === 'SUCCESS' ? stagingFreshness(task.id, task.stagingRevision, head, changed) : { type: 'stale' as const };
            if (fresh.type === 'stale') return { type: 'done', event: { type: 'StagingStale', key, taskId: task.id, headSha: head, actor: 'merge-gate' } };
          }
          hold.assertHeld();
          if (deps.forge && task.prNumber !== null) {
            const style = { method: project.git.mergeMethod, title: landingTitle(task.id, task.title) };
            const merged = await deps.forge.merge(project.repo, task.prNumber, head, style);
            // The sha now on the default branch (a squash or merge commit), when the forge says it.
            if (merged.type === 'merged') return { type: 'done', event: { type: 'Merged', key, taskId: task.id, sha: merged.sha ?? head, actor: 'merge-gate' } };
            // The forge's rules (required reviews or checks, a disallowed method) need a person, not a developer retry.
            if (merged.type === 'blocked') return { type: 'done', event: { type: 'MergeBlocked', key, taskId: task.id, reason: `the forge refused to merge PR #${task.prNumber}: ${merged.reason}`, actor: 'merge-gate' } };
            return { type: 'done', event: { type: 'MergeFailed', key, taskId: task.id, reason: `the forge refused to merge PR #${task.prNumber}: ${merged.reason}`, actor: 'merge-gate' } };
          }
          // The tested tree lands with the project's merge method, by a plain (never forced) push.
          const outcome = await deps.workspace.landOnDefault(project, task.id, head, task.title);
          if (outcome.type === 'merged') return { type: 'done', event: { type: 'Merged', key, taskId: task.id, sha: outcome.sha, actor: 'merge-gate' } };
          // The default branch moved under us (a push from outside Conveyor): the next round
          // catches up again and re-tests the rebased head.
        }
        return { type: 'defer', delayMs: 30_000, reason: `${project.defaultBranch} keeps moving` };
      } finally {
        hold.release();
      }
    },
  };
}
