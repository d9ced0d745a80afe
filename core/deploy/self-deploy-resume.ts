/**
 * What Conveyor does at start with each detached (self-deploy) run it finds on disk (design §10,
 * ADR 0027): finish it exactly once. A run belongs to the task's current deploy attempt only if
 * the stored deploy state says so and has no hook result yet; anything else was handled already
 * or belongs to an earlier pass, and is only acknowledged. Pure.
 */
import type { PendingSelfDeploy } from '../ports/deploy-hook.ts';
import type { DeployState } from './deploy-state.ts';

export type SelfDeployResume =
  /** Classify the result and finish the deploy (health, merge, done, card), then acknowledge. */
  | { readonly type: 'finish' }
  /** The hook still runs: look again later. */
  | { readonly type: 'wait' }
  /** Nothing to do but acknowledge (handled already, or from an earlier pass). */
  | { readonly type: 'acknowledge'; readonly why: string };

export function resumeSelfDeploy(run: PendingSelfDeploy, state: DeployState | null): SelfDeployResume {
  if (!state || state.taskId !== run.taskId)
    return { type: 'acknowledge', why: `no deploy in progress for ${run.taskId}` };
  if (state.attempt !== run.attempt)
    return {
      type: 'acknowledge',
      why: `run of deploy attempt ${run.attempt}, current attempt is ${state.attempt}`,
    };
  if (run.purpose !== 'deploy')
    return { type: 'acknowledge', why: `${run.purpose} runs are finished by the job that started them` };
  if (state.hookResult)
    return {
      type: 'acknowledge',
      why: `attempt ${run.attempt} already has its hook result (${state.hookResult.verdict})`,
    };
  return run.state.type === 'running' ? { type: 'wait' } : { type: 'finish' };
}
