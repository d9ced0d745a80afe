/**
 * The deploy job's writes to the store around the hook (ADR 0028, ADR 0032): "hook started" right
 * before the hook runs, then its result and the image history in one transaction.
 */
import type { DeployRunResult } from '../deploy/deploy-run.ts';
import { recordHookResult, recordHookStarted } from '../deploy/deploy-state.ts';
import { recordDeployImage } from '../store/deploy-image-repo.ts';
import { withdrawRollbackOffer } from '../deploy/rollback-offer.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import { loadDeployState, saveDeployState } from '../store/deploy-state-repo.ts';
import { rollbackInProgress } from '../store/rollback-repo.ts';
import type { JobDeps } from './job-deps.ts';

/** Thrown by {@link hookStarted} when a roll-back of the project was confirmed meanwhile: the hook did not start. */
export class RollbackFirst extends Error {
  constructor(readonly rollbackOf: string) {
    super(`the roll-back of ${rollbackOf} runs first`);
  }
}

export async function hookStarted(deps: JobDeps, projectId: string, taskId: string, attempt: number): Promise<void> {
  await deps.store.transaction(async (tx) => {
    // With the marker, so a roll-back confirmed during the catch-up or the promote is never raced (ADR 0034).
    const rollback = await rollbackInProgress(tx, projectId);
    if (rollback) throw new RollbackFirst(rollback.taskId);
    const state = await loadDeployState(tx, taskId);
    const next = state ? recordHookStarted(state, attempt, deps.clock.now()) : null;
    if (!next || next.type !== 'ok')
      throw new Error(`deploy state of ${taskId} moved past attempt ${attempt}; not running the hook`);
    await saveDeployState(tx, next.state, deps.clock.now());
    // Nothing else moves while the hook runs: the card says it runs now.
    await addOutbox(tx, 'card', taskId, { reason: 'deploy-hook' }, deps.clock.now());
  });
}

export interface HookPass {
  readonly projectId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly sha: string;
  readonly imageId: string;
  /** `<deploy.image>:<sha>`: the history names the image even when it never went live. */
  readonly targetRef: string;
  readonly result: Extract<DeployRunResult, { type: 'delivered' | 'rollback' | 'escalate' }>;
}

export async function finishHookPass(deps: Pick<JobDeps, 'store' | 'clock'>, pass: HookPass): Promise<void> {
  const now = deps.clock.now();
  const verdict =
    pass.result.type === 'delivered'
      ? 'deployed'
      : pass.result.type === 'rollback'
        ? 'failed-unchanged'
        : 'unknown';
  await deps.store.transaction(async (tx) => {
    const state = await loadDeployState(tx, pass.taskId);
    const next = state ? recordHookResult(state, pass.attempt, verdict, now) : null;
    if (next?.type === 'ok') await saveDeployState(tx, next.state, now);
    const outcome =
      pass.result.type === 'delivered'
        ? 'deployed'
        : pass.result.type === 'rollback'
          ? pass.result.history
          : 'failed';
    if (outcome === 'deployed') await withdrawRollbackOffer(tx, pass.projectId, pass.taskId, now); // ADR 0034
    await recordDeployImage(tx, {
      projectId: pass.projectId,
      imageId: pass.imageId,
      ref: pass.targetRef,
      sha: pass.sha,
      taskId: pass.taskId,
      deployedAt: now,
      outcome,
    });
  });
}
