/**
 * One production deploy, start to verdict (design §10), without the engine around it: promote by
 * retag, run the hook (supervised, or detached for self-deploy), classify its end, run the health
 * loop, restore the previous image when health fails, and tag `:current` on success. Returns a
 * value saying what the engine must do next; the report is ready to commit. The engine persists the
 * deploy state (`onHookStart` runs right before the hook) and records the image history.
 */
import type { DockerPort } from '../ports/docker.ts';
import type { DeployHookEnv, DeployHookPort, DeployRunRef, SelfDeployState } from '../ports/deploy-hook.ts';
import { renderDeployReport } from './deploy-report.ts';
import type { DeployConfig } from './deploy-types.ts';
import {
  afterDeployHook,
  afterRestoreHook,
  classifyHookEnd,
  classifySelfDeploy,
  noPreviousImage,
  type HookVerdict,
} from './hook-outcome.ts';
import { markCurrent, promoteForDeploy } from './promote.ts';
import { runHealthLoop, type HealthLoopDeps } from './run-health.ts';

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

async function afterHook(
  deps: DeployRunDeps,
  input: DeployRunInput,
  target: { readonly targetImage: string; readonly imageId: string },
  verdict: HookVerdict,
  steps: string[],
): Promise<DeployRunResult> {
  const output = verdict.type === 'not-run' ? '' : verdict.output;
  const report = (status: 'SUCCESS' | 'FAILED', reason: string | null) =>
    renderDeployReport({
      taskId: input.taskId,
      status,
      image: target.targetImage,
      imageId: target.imageId,
      revision: input.sha,
      previousImage: input.previousImage,
      steps,
      reason,
      hookOutput: output,
    });
  const next = afterDeployHook(verdict);
  if (next.type === 'rollback')
    return {
      type: 'rollback',
      mustFix: next.mustFix,
      history: verdict.type === 'failed-restored' ? 'restored' : 'failed',
      report: report('FAILED', next.mustFix.split('\n')[0] ?? null),
    };
  if (next.type === 'escalate')
    return { type: 'escalate', reason: next.reason, report: report('FAILED', next.reason) };
  const health = await runHealthLoop(
    deps,
    input.deploy.health,
    input.worktreePath,
    deps.hooks.logFile(ref(input, 'deploy'), 'health'),
    input.healthIntervalMs,
    input.signal,
  );
  steps.push(
    `health: ${health.type === 'healthy' ? `${health.loop.needed} in a row after ${health.loop.probes} probe(s)` : health.reason}`,
  );
  if (health.type === 'healthy') {
    const current = await markCurrent(deps.docker, input.deploy.image, target.imageId);
    if (current.type === 'refused')
      return {
        type: 'escalate',
        reason: `deployed and healthy, but ${current.reason}`,
        report: report('FAILED', current.reason),
      };
    steps.push(`tagged ${current.targetImage}`);
    return {
      type: 'delivered',
      targetImage: target.targetImage,
      imageId: target.imageId,
      report: report('SUCCESS', null),
    };
  }
  if (input.previousImage === null) {
    const none = noPreviousImage(health.reason);
    return {
      type: 'escalate',
      reason: none.type === 'escalate' ? none.reason : health.reason,
      report: report('FAILED', health.reason),
    };
  }
  const restored = await restore(deps, input, input.previousImage, target.targetImage);
  steps.push(`restore ${input.previousImage}: ${describeEnd(restored, null)}`);
  const after = afterRestoreHook(restored, health.reason);
  return after.type === 'rollback'
    ? {
        type: 'rollback',
        mustFix: after.mustFix,
        history: 'restored',
        report: report('FAILED', health.reason),
      }
    : { type: 'escalate', reason: after.reason, report: report('FAILED', after.reason) };
}

/** Run the hook again to bring `image` back (ADR 0027: SOURCE_IMAGE = TARGET_IMAGE = that image). */
async function restore(
  deps: DeployRunDeps,
  input: DeployRunInput,
  image: string,
  replacing: string,
): Promise<HookVerdict> {
  const env: DeployHookEnv = {
    sourceImage: image,
    targetImage: image,
    expectedRevision: image.slice(image.lastIndexOf(':') + 1),
    previousImage: replacing,
    taskId: input.taskId,
    projectId: input.projectId,
    dockerHost: input.dockerHost,
  };
  const end = await deps.hooks.run({
    hook: input.deploy.hook,
    cwd: input.worktreePath,
    env,
    timeoutMs: input.deploy.timeoutS * 1000,
    logFile: deps.hooks.logFile(ref(input, 'restore'), 'hook'),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return classifyHookEnd(end);
}

function ref(input: DeployRunInput, purpose: DeployRunRef['purpose']): DeployRunRef {
  return { taskId: input.taskId, attempt: input.attempt, purpose };
}

function describeEnd(verdict: HookVerdict, durationMs: number | null): string {
  const took = durationMs === null ? '' : ` in ${Math.round(durationMs / 1000)} s`;
  return verdict.type === 'unknown' || verdict.type === 'not-run'
    ? `${verdict.type}${took} (${verdict.reason})`
    : `${verdict.type}${took}`;
}
