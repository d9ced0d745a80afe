/**
 * The `deploy-staging` stage's job (design §10, ADR 0023), holding the project's merge lease:
 * catch up with the default branch (re-testing a rebased head), run staging on the exact head
 * through the StagingRunnerPort, commit `14-staging-report.md` on the task branch, and hand the
 * verdict to the engine with what freshness needs. No runner (no Docker engine) is an
 * infrastructure failure that escalates, never a green.
 */
import { artifactsDirOf } from '../domain/task.ts';
import { PermanentError } from '../errors.ts';
import type { JobHandler } from '../queue/worker-pool.ts';
import { catchUpAndRetest } from './catch-up.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';
import { holdMergeLease } from './merge-lease-hold.ts';

export function stagingJob(deps: JobDeps): JobHandler {
  return {
    async run(job, signal) {
      const { task, project } = await jobSubject(deps, job);
      if (task.stage !== 'deploy-staging' || task.phase !== 'working' || task.escalated)
        return { type: 'done' };
      const staging = project.staging;
      if (!staging)
        throw new PermanentError(
          `${project.id} lists deploy-staging but its projects-file entry has no "staging" block`,
        );
      if (!deps.staging)
        throw new PermanentError(
          `staging ${task.id}: no Docker engine is configured for this Conveyor (set DOCKER_HOST or enable the local socket)`,
        );
      const hold = await holdMergeLease(deps, job, task);
      if (hold.type === 'wait') return hold.outcome;
      try {
        const ready = await catchUpAndRetest(deps, job, task, project);
        if (ready.type === 'event') return { type: 'done', event: ready.event };
        const result = await deps.staging.run({
          projectId: project.id,
          taskId: task.id,
          sha: ready.headSha,
          worktreePath: ready.worktreePath,
          staging,
          strict: staging.strict || !deps.stagingInfraToleranceEnabled,
          signal,
        });
        hold.assertHeld();
        await deps.workspace.writeFile(
          project,
          task.id,
          `${artifactsDirOf(task.id)}/14-staging-report.md`,
          result.report,
        );
        const pushed = await deps.workspace.commitAndPush(project, task.id, `${task.id} staging: report`);
        const changed =
          pushed.headSha === result.revision
            ? []
            : await deps.workspace.changedPaths(project, task.id, result.revision, pushed.headSha);
        return {
          type: 'done',
          event: {
            type: 'StagingFinished',
            key: `job:${job.id}:staging`,
            taskId: task.id,
            jobId: job.id,
            facts: {
              verdict: result.verdict,
              imageId: result.imageId,
              imageRef: result.imageRef,
              revision: result.revision,
              waived: result.waived,
              reason: result.reason,
              mustFix: result.mustFix,
              headSha: pushed.headSha,
              changedSinceRevision: changed,
            },
          },
        };
      } finally {
        hold.release();
      }
    },
  };
}
