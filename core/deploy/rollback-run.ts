/**
 * The one-tap roll-back (design §10): run the project's hook to bring back the image production
 * ran before the current one (ADR 0027: SOURCE_IMAGE = TARGET_IMAGE = that image, PREVIOUS_IMAGE =
 * the current one), check health, and tag it `:current`. No automatic second call: whatever does
 * not end healthy is said as it is. The engine records who and when and the image history row.
 */
import type { DeployImageRecord } from '../store/deploy-image-repo.ts';
import type { DeployHookEnv } from '../ports/deploy-hook.ts';
import type { DeployRunDeps } from './deploy-run.ts';
import type { DeployConfig } from './deploy-types.ts';
import { classifyHookEnd } from './hook-outcome.ts';
import { markCurrent } from './promote.ts';
import { runHealthLoop } from './run-health.ts';

export interface RollbackInput {
  readonly projectId: string;
  /** The task whose card carried the button (the last delivered one). */
  readonly taskId: string;
  /** Numbers this roll-back's run folder (`<n>-rollback`). */
  readonly rollbackNo: number;
  readonly deploy: DeployConfig;
  /** A checkout of the default branch holding the hook (the task's worktree is gone after done). */
  readonly cwd: string;
  readonly current: Pick<DeployImageRecord, 'ref' | 'imageId'>;
  readonly target: Pick<DeployImageRecord, 'ref' | 'imageId' | 'sha'>;
  readonly dockerHost: string;
  readonly healthIntervalMs?: number;
  readonly signal?: AbortSignal;
}

export type RollbackResult =
  | { readonly type: 'rolled-back'; readonly image: string }
  /** The hook failed and production still runs the current image (exit 1, or exit 2 restored it). */
  | { readonly type: 'failed'; readonly reason: string; readonly output: string }
  /** Production's state is unknown: a person must look. */
  | { readonly type: 'unknown'; readonly reason: string; readonly output: string };

export async function runRollback(deps: DeployRunDeps, input: RollbackInput): Promise<RollbackResult> {
  const env: DeployHookEnv = {
    sourceImage: input.target.ref,
    targetImage: input.target.ref,
    expectedRevision: input.target.sha,
    previousImage: input.current.ref,
    taskId: input.taskId,
    projectId: input.projectId,
    dockerHost: input.dockerHost,
  };
  const ref = { taskId: input.taskId, attempt: input.rollbackNo, purpose: 'rollback' } as const;
  const end = await deps.hooks.run({
    hook: input.deploy.hook,
    cwd: input.cwd,
    env,
    timeoutMs: input.deploy.timeoutS * 1000,
    logFile: deps.hooks.logFile(ref, 'hook'),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const verdict = classifyHookEnd(end);
  switch (verdict.type) {
    case 'failed-unchanged':
      return {
        type: 'failed',
        reason: `the roll-back hook failed before changing anything (exit 1); production still runs ${input.current.ref}`,
        output: verdict.output,
      };
    case 'failed-restored':
      return {
        type: 'failed',
        reason: `the roll-back hook failed and restored ${input.current.ref} (exit 2)`,
        output: verdict.output,
      };
    case 'unknown':
      return { type: 'unknown', reason: verdict.reason, output: verdict.output };
    case 'not-run':
      return { type: 'failed', reason: `${verdict.reason}; production was not changed`, output: '' };
    case 'deployed':
      break;
  }
  const health = await runHealthLoop(
    deps,
    input.deploy.health,
    input.cwd,
    deps.hooks.logFile(ref, 'health'),
    input.healthIntervalMs,
    input.signal,
  );
  if (health.type === 'unhealthy')
    return {
      type: 'unknown',
      reason: `rolled back to ${input.target.ref}, but ${health.reason}`,
      output: verdict.output,
    };
  const current = await markCurrent(deps.docker, input.deploy.image, input.target.imageId);
  if (current.type === 'refused')
    return {
      type: 'unknown',
      reason: `rolled back and healthy, but ${current.reason}`,
      output: verdict.output,
    };
  return { type: 'rolled-back', image: input.target.ref };
}
