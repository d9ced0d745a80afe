/**
 * A deploy hook waits for a confirmed roll-back of its project (ADR 0034 update): the roll-back is
 * urgent and waits only for a deploy hook that already runs, so a deploy job that has not started
 * its hook defers (never a failure, never an attempt) until the roll-back ended. The card says why.
 */
import type { JobRow } from '../queue/job.ts';
import type { JobOutcome } from '../queue/worker-pool.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import { rollbackInProgress } from '../store/rollback-repo.ts';
import type { JobDeps } from './job-deps.ts';

/** How long a deploy waits before looking again at a running roll-back. */
export const DEPLOY_ROLLBACK_WAIT_MS = 10_000;

/** The deferral while a roll-back of `projectId` runs (or `rollbackOf` names one seen at the hook), else null. */
export async function waitForRollback(
  deps: Pick<JobDeps, 'store' | 'clock'>,
  job: JobRow,
  taskId: string,
  projectId: string,
  rollbackOf?: string,
): Promise<JobOutcome | null> {
  const running = rollbackOf ?? (await rollbackInProgress(deps.store.db, projectId))?.taskId;
  if (!running) return null;
  const reason = `the roll-back of ${running} is running; the deploy of ${taskId} waits`;
  // Once per wait, not every poll: the card is built from the store and says the same each time.
  if (job.lastError !== reason)
    await deps.store.transaction(async (tx) => await addOutbox(tx, 'card', taskId, { reason: 'deploy-waits-rollback' }, deps.clock.now()));
  return { type: 'defer', delayMs: DEPLOY_ROLLBACK_WAIT_MS, reason };
}
