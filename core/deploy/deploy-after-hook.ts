/**
 * The second half of a production deploy (design §10): what follows the hook's verdict. Exit 0 →
 * the health loop; healthy → `:current`; unhealthy → the hook again with the previous image, then
 * back to development (or escalation when that fails or there is nothing to restore).
 */
import type { DeployHookEnv, DeployRunRef } from '../ports/deploy-hook.ts';
import { renderDeployReport } from './deploy-report.ts';
import type { DeployRunDeps, DeployRunInput, DeployRunResult } from './deploy-run.ts';
import {
  afterDeployHook,
  afterRestoreHook,
  classifyHookEnd,
  noPreviousImage,
  type HookVerdict,
} from './hook-outcome.ts';
import { markCurrent } from './promote.ts';
import { runHealthLoop } from './run-health.ts';

/** Everything after the hook: classify, health loop, restore on failure, `:current` on success. */
export async function afterHook(
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

export function ref(input: DeployRunInput, purpose: DeployRunRef['purpose']): DeployRunRef {
  return { taskId: input.taskId, attempt: input.attempt, purpose };
}

export function describeEnd(verdict: HookVerdict, durationMs: number | null): string {
  const took = durationMs === null ? '' : ` in ${Math.round(durationMs / 1000)} s`;
  return verdict.type === 'unknown' || verdict.type === 'not-run'
    ? `${verdict.type}${took} (${verdict.reason})`
    : `${verdict.type}${took}`;
}
