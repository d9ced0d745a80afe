/**
 * The production `deploy` stage's job (design §10, ADR 0032), holding the project's merge lease:
 * catch up and check freshness again (the validated revision must still be the head, report
 * commits aside), then run the deploy (promote by retag, hook, health, restore) for the approved
 * attempt, keep the image history, commit `15-deploy-report.md`, and hand the verdict to the
 * engine. A hook that was started for this attempt and has no recorded result is never run again:
 * production's state is unknown and the task escalates.
 */
import { finishHookPass, hookStarted, RollbackFirst } from './deploy-state-writes.ts';
import { waitForRollback } from './deploy-rollback-wait.ts';
import { pollSelfDeploy, SELF_DEPLOY_POLL_MS } from './self-deploy-poll.ts';
import { runDeploy, type DeployRunResult } from '../deploy/deploy-run.ts';
import { DEPLOY_REPORT_FILE } from '../deploy/deploy-report.ts';
import { nextDeployAction } from '../deploy/deploy-state.ts';
import type { DeployFacts, DomainEvent } from '../domain/events.ts';
import { artifactsDirOf } from '../domain/task.ts';
import { PermanentError } from '../errors.ts';
import { stagingFreshness } from '../gates/staging-freshness.ts';
import type { JobHandler, JobOutcome } from '../queue/worker-pool.ts';
import { currentProductionImage } from '../store/deploy-image-repo.ts';
import { loadDeployState } from '../store/deploy-state-repo.ts';
import { catchUpAndRetest } from './catch-up.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';
import { holdMergeLease } from './merge-lease-hold.ts';

export function deployJob(deps: JobDeps): JobHandler {
  return {
    async run(job, signal) {
      const { task, project } = await jobSubject(deps, job);
      const attempt = Number(job.payload.attempt);
      if (task.stage !== 'deploy' || task.phase !== 'working' || task.escalated) return { type: 'done' };
      const deploy = project.deploy;
      if (!deploy)
        throw new PermanentError(
          `${project.id} lists deploy but its projects-file entry has no "deploy" block`,
        );
      const hooks = deps.deployHooks;
      const docker = deps.docker;
      if (!hooks || !docker)
        throw new PermanentError(
          `deploy ${task.id}: no Docker engine is configured for this Conveyor (set DOCKER_HOST or enable the local socket)`,
        );
      const finished = (facts: DeployFacts): JobOutcome => ({
        type: 'done',
        event: { type: 'DeployFinished', key: `job:${job.id}:deploy`, taskId: task.id, attempt, facts },
      });
      const action = nextDeployAction(await loadDeployState(deps.store.db, task.id), attempt);
      const target = {
        targetImage: `${deploy.image}:${task.stagingRevision ?? ''}`,
        imageId: task.stagingImageId ?? '',
      };
      const complete = async (
        result: Exclude<DeployRunResult, { type: 'restage' | 'detached' }>,
      ): Promise<JobOutcome> => {
        const sha = task.stagingRevision ?? '';
        await finishHookPass(deps, {
          projectId: project.id,
          taskId: task.id,
          attempt,
          sha,
          imageId: target.imageId,
          targetRef: target.targetImage,
          result,
        });
        await deps.workspace.writeFile(
          project,
          task.id,
          `${artifactsDirOf(task.id)}/${DEPLOY_REPORT_FILE}`,
          result.report,
        );
        const pushed = await deps.workspace.commitAndPush(project, task.id, `${task.id} deploy: report`);
        return finished(factsOf(result, pushed.headSha));
      };
      // A self-deploy's hook runs detached: this job polls its result files, also after a restart.
      if (action.type === 'hook-interrupted' && deploy.self) {
        const held = await holdMergeLease(deps, job, task);
        if (held.type === 'wait') return held.outcome;
        try {
          const polled = await pollSelfDeploy(deps, {
            task,
            project,
            deploy,
            attempt,
            target,
            previous: (await currentProductionImage(deps.store.db, project.id))?.ref ?? null,
          });
          if (polled.type === 'wait')
            return {
              type: 'defer',
              delayMs: SELF_DEPLOY_POLL_MS,
              reason: `self-deploy hook of ${task.id} still running`,
            };
          if (polled.type === 'missing')
            return finished({
              outcome: 'escalate',
              reason: `the self-deploy hook of attempt ${attempt} left no result files: production's state is unknown`,
              targetImage: null,
              imageId: null,
              headSha: null,
              logTail: '',
            });
          return await complete(polled.result);
        } finally {
          held.release();
        }
      }
      if (action.type === 'hook-interrupted' || action.type === 'after-hook') {
        const reason =
          action.type === 'hook-interrupted'
            ? `the deploy hook of attempt ${attempt} was started at ${new Date(action.startedAt).toISOString()} and Conveyor stopped before it finished: production's state is unknown, the hook is not run twice`
            : `the deploy hook of attempt ${attempt} ended (${action.verdict}) but Conveyor stopped before acting on it: check production`;
        return finished({
          outcome: 'escalate',
          reason,
          targetImage: null,
          imageId: null,
          headSha: null,
          logTail: '',
        });
      }
      if (action.type !== 'run-hook') return { type: 'done' };
      const rollbackFirst = await waitForRollback(deps, job, task.id, project.id);
      if (rollbackFirst) return rollbackFirst;
      const hold = await holdMergeLease(deps, job, task);
      if (hold.type === 'wait') return hold.outcome;
      try {
        const ready = await catchUpAndRetest(deps, job, task, project);
        if (ready.type === 'event') return { type: 'done', event: ready.event };
        const head = ready.headSha;
        const changed =
          task.stagingRevision && task.stagingRevision !== head
            ? await deps.workspace.changedPaths(project, task.id, task.stagingRevision, head)
            : [];
        const fresh =
          task.stagingVerdict === 'SUCCESS' && task.stagingImageId
            ? stagingFreshness(task.id, task.stagingRevision, head, changed)
            : ({ type: 'stale', reason: 'no validated staging image' } as const);
        if (fresh.type === 'stale') return { type: 'done', event: stale(job.id, task.id, head) };
        hold.assertHeld();
        const previous = await currentProductionImage(deps.store.db, project.id);
        const result = await runDeployUnlessRollback(
          {
            hooks,
            docker,
            clock: deps.clock,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          },
          {
            projectId: project.id,
            taskId: task.id,
            attempt,
            deploy,
            worktreePath: ready.worktreePath,
            sha: task.stagingRevision ?? head,
            validatedImageId: task.stagingImageId ?? '',
            stagingImage: task.stagingImageRef ?? '',
            previousImage: previous?.ref ?? null,
            dockerHost: deps.dockerHost ?? '',
            ...(deps.deployHealthIntervalMs !== undefined
              ? { healthIntervalMs: deps.deployHealthIntervalMs }
              : {}),
            signal,
            onHookStart: async () => await hookStarted(deps, project.id, task.id, attempt),
          },
        );
        if (result.type === 'rollback-first') return await waitForRollback(deps, job, task.id, project.id, result.rollbackOf) ?? { type: 'done' };
        if (result.type === 'restage')
          return finished({
            outcome: 'restage',
            reason: result.reason,
            targetImage: null,
            imageId: null,
            headSha: null,
            logTail: '',
          });
        if (result.type === 'detached')
          return {
            type: 'defer',
            delayMs: SELF_DEPLOY_POLL_MS,
            reason: `self-deploy hook of ${task.id} started (pid ${result.pid})`,
          };
        return await complete(result);
      } finally {
        hold.release();
      }
    },
  };
}

/** {@link runDeploy}, or `rollback-first` when a roll-back was confirmed before the hook started (nothing ran but the retag). */
async function runDeployUnlessRollback(
  ...args: Parameters<typeof runDeploy>
): Promise<DeployRunResult | { readonly type: 'rollback-first'; readonly rollbackOf: string }> {
  try {
    return await runDeploy(...args);
  } catch (error) {
    if (error instanceof RollbackFirst) return { type: 'rollback-first', rollbackOf: error.rollbackOf };
    throw error;
  }
}

function stale(jobId: number, taskId: string, head: string): DomainEvent {
  return { type: 'StagingStale', key: `job:${jobId}:deploy-fresh`, taskId, headSha: head, actor: 'deploy' };
}

function factsOf(
  result: Exclude<DeployRunResult, { type: 'restage' | 'detached' }>,
  headSha: string,
): DeployFacts {
  const logTail = hookOutputOf(result.report);
  switch (result.type) {
    case 'delivered':
      return {
        outcome: 'delivered',
        reason: null,
        targetImage: result.targetImage,
        imageId: result.imageId,
        headSha,
        logTail,
      };
    case 'rollback':
      return {
        outcome: 'rollback',
        reason: result.mustFix,
        targetImage: null,
        imageId: null,
        headSha,
        logTail,
      };
    case 'escalate':
      return {
        outcome: 'escalate',
        reason: result.reason,
        targetImage: null,
        imageId: null,
        headSha,
        logTail,
      };
  }
}

/** The hook output tail the report quotes (between its fences), for the card and the must-fix. */
function hookOutputOf(report: string): string {
  const at = report.indexOf('Hook output (tail):');
  if (at < 0) return '';
  const lines = report.slice(at).split('\n').slice(2);
  const fence = lines[0] ?? '';
  const end = lines.indexOf(fence, 1);
  return lines
    .slice(1, end > 0 ? end : undefined)
    .join('\n')
    .slice(-2000);
}
