/**
 * The one-tap roll-back's job (design §10, ADR 0034): in a checkout of the default branch (the
 * task's worktree is gone after done), run the project's hook with the earlier image, then the
 * health loop, and hand the verdict to the engine. "Hook started" is stored before the hook runs,
 * so a job run again after a crash never starts a second hook: production's state is then unknown
 * and said so. Production that moved on since the confirm (a newer deploy) is left alone.
 */
import { runRollback, type RollbackResult } from '../deploy/rollback-run.ts';
import type { RollbackFacts } from '../domain/events.ts';
import { describeError } from '../errors.ts';
import type { JobHandler, JobOutcome } from '../queue/worker-pool.ts';
import { currentProductionImage, imageBeforeCurrent } from '../store/deploy-image-repo.ts';
import { advanceRollback, deployInProgress, rollbackById } from '../store/rollback-repo.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';

/** How long a roll-back waits before looking again at a deploy that runs. */
export const ROLLBACK_WAIT_MS = 10_000;

export function rollbackJob(deps: JobDeps): JobHandler {
  return {
    async run(job, signal) {
      const { task, project } = await jobSubject(deps, job);
      const rollbackId = String(job.payload.rollbackId);
      const rollback = await rollbackById(deps.store.db, rollbackId);
      if (!rollback || (rollback.state !== 'requested' && rollback.state !== 'hook-started')) return { type: 'done' };
      const finish = (facts: Omit<RollbackFacts, 'targetRef'> & { targetRef?: string }): JobOutcome => ({
        type: 'done',
        event: { type: 'RollbackFinished', key: `job:${job.id}:rollback`, taskId: task.id, rollbackId, facts: { targetRef: rollback.targetRef, ...facts } },
      });
      const failed = (reason: string) => finish({ outcome: 'failed', reason, imageId: '', sha: '', logTail: '' });
      if (rollback.state === 'hook-started')
        return finish({
          outcome: 'unknown',
          reason: 'the roll-back hook was started and Conveyor stopped before it finished; it is not run twice',
          imageId: '',
          sha: '',
          logTail: '',
        });
      const deploy = project.deploy;
      const hooks = deps.deployHooks;
      const docker = deps.docker;
      if (!deploy || !hooks || !docker) return failed(`${project.id} has no deploy hook or Docker engine configured here; production was not changed`);
      // Two hooks must not change production at once: a deploy running now goes first.
      const deploying = await deployInProgress(deps.store.db, project.id);
      const waitFor = (id: string): JobOutcome => ({ type: 'defer', delayMs: ROLLBACK_WAIT_MS, reason: `the deploy of ${id} is running; the roll-back of ${task.id} waits` });
      if (deploying) return waitFor(deploying);
      const current = await currentProductionImage(deps.store.db, project.id);
      const target = await imageBeforeCurrent(deps.store.db, project.id);
      if (!current || current.taskId !== task.id || current.outcome !== 'deployed' || target?.ref !== rollback.targetRef)
        return failed(`production changed since the roll-back was confirmed (it runs ${current?.ref ?? 'nothing known'}); nothing was done`);
      const checkoutId = `${task.id}-rollback`;
      let cwd: string;
      try {
        cwd = (await deps.workspace.prepare(project, checkoutId)).path;
      } catch (error) {
        return failed(`could not check out ${project.id}'s default branch for the hook (${describeError(error)}); production was not changed`);
      }
      try {
        // Checked again with the claim: a deploy hook that started meanwhile goes first.
        const claimed = await deps.store.transaction(async (tx) => await deployInProgress(tx, project.id) ?? await advanceRollback(tx, rollbackId, 'requested', 'hook-started'));
        if (typeof claimed === 'string') return waitFor(claimed);
        if (!claimed) return { type: 'done' };
        const result = await runRollback(
          { hooks, docker, clock: deps.clock, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
          {
            projectId: project.id,
            taskId: task.id,
            rollbackNo: 1,
            deploy,
            cwd,
            current,
            target,
            dockerHost: deps.dockerHost ?? '',
            ...(deps.deployHealthIntervalMs !== undefined ? { healthIntervalMs: deps.deployHealthIntervalMs } : {}),
            signal,
          },
        );
        return finish(factsOf(result, target));
      } finally {
        await deps.workspace.remove(project, checkoutId).catch((error: unknown) => {
          deps.logger.warn({ task: task.id, error: describeError(error) }, 'could not remove the roll-back checkout');
        });
      }
    },
  };
}

function factsOf(result: RollbackResult, target: { readonly imageId: string; readonly sha: string }): Omit<RollbackFacts, 'targetRef'> {
  switch (result.type) {
    case 'rolled-back':
      return { outcome: 'rolled-back', reason: null, imageId: target.imageId, sha: target.sha, logTail: '' };
    case 'failed':
    case 'unknown':
      return { outcome: result.type, reason: result.reason, imageId: target.imageId, sha: target.sha, logTail: result.output.slice(-2000) };
  }
}
