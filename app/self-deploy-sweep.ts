/**
 * The start-time look at self-deploy result files (design §10, ADR 0027/0032). A detached deploy
 * hook is normally finished by its deferred deploy job, which the queue keeps across restarts; but
 * when its task was cancelled or escalated meanwhile, that job ends without reading the result,
 * and the hook may have changed production unseen. Such a run (not acknowledged, no active deploy
 * job for its task, ended) is said once in the log with what the result files say, then
 * acknowledged. Runs still going, or with a job that will finish them, are left alone.
 */
import type { DeployHookPort, SelfDeployState } from '../core/ports/deploy-hook.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { JobQueue } from '../core/queue/job-queue.ts';

export interface SelfDeploySweepDeps {
  readonly hooks: Pick<DeployHookPort, 'listPendingSelfDeploys' | 'acknowledgeSelfDeploy'>;
  readonly queue: Pick<JobQueue, 'activeForTask'>;
  readonly logger: Logger;
}

/** Report and acknowledge orphaned self-deploy runs; returns how many were found. */
export async function sweepOrphanedSelfDeploys(deps: SelfDeploySweepDeps): Promise<number> {
  let orphaned = 0;
  for (const run of await deps.hooks.listPendingSelfDeploys()) {
    const state = run.state;
    if (run.purpose !== 'deploy' || state.type === 'running') continue;
    if ((await deps.queue.activeForTask(run.taskId)).some((job) => job.kind === 'deploy')) continue;
    orphaned += 1;
    const result = describeResult(state);
    deps.logger.warn(
      { task: run.taskId, attempt: run.attempt, result, log: state.logTail.slice(-500) },
      `the self-deploy hook of ${run.taskId} (deploy attempt ${run.attempt}) ${result}, but no deploy job will finish it (the task was cancelled or escalated meanwhile): check production`,
    );
    await deps.hooks.acknowledgeSelfDeploy(run);
  }
  return orphaned;
}

function describeResult(state: Exclude<SelfDeployState, { type: 'running' }>): string {
  return state.type === 'finished'
    ? `exited with ${state.code} at ${new Date(state.finishedAt).toISOString()}`
    : 'ended without writing its result (killed?)';
}
