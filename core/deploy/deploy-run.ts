/**
 * One production deploy, start to verdict (design §10), without the engine around it: promote by
 * retag, run the hook (supervised, or detached for self-deploy), classify its end, run the health
 * loop, restore the previous image when health fails, and tag `:current` on success. Returns a
 * value saying what the engine must do next; the report is ready to commit. The engine persists the
 * deploy state (`onHookStart` runs right before the hook) and records the image history.
 */
import type { DockerPort } from '../ports/docker.ts';
import type { DeployHookEnv, DeployHookPort, SelfDeployState } from '../ports/deploy-hook.ts';
import { afterHook, describeEnd, ref } from './deploy-after-hook.ts';
import type { DeployConfig } from './deploy-types.ts';
import { classifyHookEnd, classifySelfDeploy } from './hook-outcome.ts';
import { promoteForDeploy } from './promote.ts';
import type { HealthLoopDeps } from './run-health.ts';

export interface DeployRunDeps extends HealthLoopDeps {
  readonly hooks: DeployHookPort;
  readonly docker: Pick<DockerPort, 'inspectImage' | 'tagImage'>;
}

export interface DeployRunInput {
  readonly projectId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly deploy: DeployConfig;
  readonly worktreePath: string;
  /** The validated revision (= the branch head, checked by the caller). */
  readonly sha: string;
  /** What staging recorded: the image id and its ref (`conveyor/<project>:<sha>`). */
  readonly validatedImageId: string;
  readonly stagingImage: string;
  /** What production runs now (`<deploy.image>:<sha>` from the image history), null on the first deploy. */
  readonly previousImage: string | null;
  readonly dockerHost: string;
  readonly healthIntervalMs?: number;
  readonly signal?: AbortSignal;
  /** Awaited right before the hook starts: persist "hook started" for this attempt (ADR 0028). */
  readonly onHookStart?: () => Promise<void> | void;
}

/** What the engine does next. `history` is the image-history outcome to record for a failure. */
export type DeployRunResult =
  | {
      readonly type: 'delivered';
      readonly targetImage: string;
      readonly imageId: string;
      readonly report: string;
    }
  | {
      readonly type: 'rollback';
      readonly mustFix: string;
      readonly history: 'failed' | 'restored';
      readonly report: string;
    }
  | { readonly type: 'escalate'; readonly reason: string; readonly report: string }
  /** The validated image cannot be promoted: back to staging, nothing ran. */
  | { readonly type: 'restage'; readonly reason: string }
  /** Self-deploy: the hook runs detached; finish with {@link finishSelfDeploy} once its result is in. */
  | {
      readonly type: 'detached';
      readonly pid: number;
      readonly targetImage: string;
      readonly imageId: string;
    };

/** Promote, then run the hook (supervised or detached) and, when supervised, everything after it. */
export async function runDeploy(deps: DeployRunDeps, input: DeployRunInput): Promise<DeployRunResult> {
  const promoted = await promoteForDeploy(deps.docker, {
    validatedImageId: input.validatedImageId,
    sha: input.sha,
    deployImage: input.deploy.image,
  });
  if (promoted.type === 'refused') return { type: 'restage', reason: promoted.reason };
  const source =
    (await deps.docker.inspectImage(input.stagingImage))?.id === promoted.imageId
      ? input.stagingImage
      : promoted.imageId;
  const env: DeployHookEnv = {
    sourceImage: source,
    targetImage: promoted.targetImage,
    expectedRevision: input.sha,
    previousImage: input.previousImage,
    taskId: input.taskId,
    projectId: input.projectId,
    dockerHost: input.dockerHost,
  };
  const run = ref(input, 'deploy');
  await input.onHookStart?.();
  if (input.deploy.self) {
    const started = await deps.hooks.startDetached(
      { hook: input.deploy.hook, cwd: input.worktreePath, env, timeoutMs: input.deploy.timeoutS * 1000 },
      run,
    );
    if (started.type === 'spawn-failed')
      return afterHook(
        deps,
        input,
        promoted,
        { type: 'not-run', reason: `the deploy hook could not be started: ${started.error}` },
        [],
      );
    return {
      type: 'detached',
      pid: started.pid,
      targetImage: promoted.targetImage,
      imageId: promoted.imageId,
    };
  }
  const end = await deps.hooks.run({
    hook: input.deploy.hook,
    cwd: input.worktreePath,
    env,
    timeoutMs: input.deploy.timeoutS * 1000,
    logFile: deps.hooks.logFile(run, 'hook'),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const verdict = classifyHookEnd(end);
  return afterHook(deps, input, promoted, verdict, [
    `hook: ${describeEnd(verdict, end.type === 'spawn-failed' ? null : end.durationMs)}`,
  ]);
}

/** Finish a self-deploy from its result files; null while the detached hook may still finish in time. */
export async function finishSelfDeploy(
  deps: DeployRunDeps,
  input: DeployRunInput,
  state: SelfDeployState,
  target: { readonly targetImage: string; readonly imageId: string },
  now: number,
): Promise<DeployRunResult | null> {
  const verdict = classifySelfDeploy(state, now, input.deploy.timeoutS * 1000);
  if (verdict.type === 'still-running') return null;
  const durationMs = state.type === 'finished' ? state.finishedAt - state.startedAt : null;
  return afterHook(deps, input, target, verdict, [`hook (detached): ${describeEnd(verdict, durationMs)}`]);
}
