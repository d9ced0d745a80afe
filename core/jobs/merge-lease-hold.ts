/**
 * A merge-phase job's hold on its project's merge lease (ADR 0023): take it (or wait: a deferral
 * with backoff, never a failure and never an attempt, until ORCH_MERGE_MAX_WAIT_S, then the task
 * escalates with the reason), and renew it while the job works so a long re-test or staging run
 * keeps it. A store that cannot be read throws here: nothing merges (fail closed).
 */
import type { Task } from '../domain/task.ts';
import { RetryableError } from '../errors.ts';
import type { JobRow } from '../queue/job.ts';
import type { JobOutcome } from '../queue/worker-pool.ts';
import { MERGE_LEASE_TTL_MS, renewMergeLease, takeMergeLease } from '../store/merge-lease.ts';
import { getTask } from '../store/task-repo.ts';
import type { JobDeps } from './job-deps.ts';

/** The lease is ours until `release`; `assertHeld` throws once a renewal found it lost. */
export interface LeaseHold {
  readonly type: 'held';
  assertHeld(): void;
  release(): void;
}

export type HoldOutcome = LeaseHold | { readonly type: 'wait'; readonly outcome: JobOutcome };

const RENEW_EVERY_MS = Math.floor(MERGE_LEASE_TTL_MS / 4);

export async function holdMergeLease(deps: JobDeps, job: JobRow, task: Task): Promise<HoldOutcome> {
  const now = deps.clock.now();
  const taken = await deps.store.transaction(async (tx) => await takeMergeLease(tx, await getTask(tx, task.id) ?? task, now));
  if (taken.type === 'busy') {
    const waited = now - (task.mergeQueuedAt ?? now);
    if (waited >= deps.mergeMaxWaitMs) {
      const reason = `waited ${Math.round(waited / 1000)} s for the merge lease held by ${taken.holder} (ORCH_MERGE_MAX_WAIT_S=${Math.round(deps.mergeMaxWaitMs / 1000)})`;
      return {
        type: 'wait',
        outcome: {
          type: 'done',
          event: {
            type: 'MergeBlocked',
            key: `job:${job.id}:lease-wait`,
            taskId: task.id,
            reason,
            actor: 'merge-gate',
          },
        },
      };
    }
    // Backoff grows with the wait; the holder's release makes the waiters' jobs due at once anyway.
    const delayMs = Math.max(1_000, Math.min(30_000, Math.floor(waited / 4), deps.mergeMaxWaitMs - waited));
    return {
      type: 'wait',
      outcome: { type: 'defer', delayMs, reason: `waiting for merge lease held by ${taken.holder}` },
    };
  }
  let lost = false;
  const renew = async (): Promise<void> => {
    try {
      if (!(await deps.store.transaction(async (tx) => await renewMergeLease(tx, task, deps.clock.now())))) lost = true;
    } catch (error) {
      deps.logger.warn({ task: task.id, error: String(error) }, 'renewing the merge lease failed');
      lost = true;
    }
  };
  const timer = setInterval(() => void renew(), RENEW_EVERY_MS);
  return {
    type: 'held',
    assertHeld() {
      if (lost)
        throw new RetryableError(
          `${task.id} lost the merge lease of ${task.projectId} while working; starting over`,
        );
    },
    release() {
      clearInterval(timer);
    },
  };
}
