/**
 * Finishing a self-deploy (design §10, ADR 0027/0032): the hook runs detached and may restart
 * Conveyor, so the deploy job does not wait for it: it is deferred and, on each run (in this
 * process or the next one, the queue keeps it), reads the run's result files. Once the hook ended,
 * the rest of the deploy (health, restore, `:current`) runs here and the run is acknowledged, so a
 * later start does not act on it again.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { finishSelfDeploy, type DeployRunResult } from '../deploy/deploy-run.ts';
import type { DeployConfig } from '../deploy/deploy-types.ts';
import type { Task } from '../domain/task.ts';
import type { JobDeps } from './job-deps.ts';

/** Between two looks at a detached hook's result files. */
export const SELF_DEPLOY_POLL_MS = 2_000;

export interface SelfDeployPoll {
  readonly task: Task;
  readonly project: ProjectConfig;
  readonly deploy: DeployConfig;
  readonly attempt: number;
  readonly target: { readonly targetImage: string; readonly imageId: string };
  readonly previous: string | null;
}

export type SelfDeployPollOutcome =
  | { readonly type: 'wait' }
  /** Started (per the deploy state) but no result files: the wrapper never ran or they were lost. */
  | { readonly type: 'missing' }
  | { readonly type: 'done'; readonly result: Exclude<DeployRunResult, { type: 'restage' | 'detached' }> };

export async function pollSelfDeploy(deps: JobDeps, poll: SelfDeployPoll): Promise<SelfDeployPollOutcome> {
  const hooks = deps.deployHooks;
  const docker = deps.docker;
  if (!hooks || !docker) return { type: 'missing' };
  const run = { taskId: poll.task.id, attempt: poll.attempt, purpose: 'deploy' as const };
  const state = await hooks.readSelfDeploy(run);
  if (!state) return { type: 'missing' };
  const worktree = await deps.workspace.prepare(poll.project, poll.task.id);
  const result = await finishSelfDeploy(
    { hooks, docker, clock: deps.clock, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    {
      projectId: poll.project.id,
      taskId: poll.task.id,
      attempt: poll.attempt,
      deploy: poll.deploy,
      worktreePath: worktree.path,
      sha: poll.task.stagingRevision ?? '',
      validatedImageId: poll.target.imageId,
      stagingImage: poll.task.stagingImageRef ?? '',
      previousImage: poll.previous,
      dockerHost: deps.dockerHost ?? '',
      ...(deps.deployHealthIntervalMs !== undefined ? { healthIntervalMs: deps.deployHealthIntervalMs } : {}),
    },
    state,
    poll.target,
    deps.clock.now(),
  );
  if (result === null) return { type: 'wait' };
  await hooks.acknowledgeSelfDeploy(run);
  if (result.type === 'restage' || result.type === 'detached')
    return {
      type: 'done',
      result: { type: 'escalate', reason: `unexpected self-deploy result ${result.type}`, report: '' },
    };
  return { type: 'done', result };
}
