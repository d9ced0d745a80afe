/**
 * The per-project merge lease (design §10, ADR 0023): held by one task from entering the merge
 * phase until it leaves it. A holder that left the phase, or whose expiry passed without renewal,
 * loses it to the next taker. Reading it may throw (a broken store): callers let that propagate,
 * so nothing merges on a lease nobody could read.
 */
import { inMergePhase, mergeLeaseName } from '../domain/merge-phase.ts';
import type { Task } from '../domain/task.ts';
import type { Reader, Tx } from './store.ts';
import { getTask } from './task-repo.ts';

/** How long a lease lives without renewal; the holder renews it well within this while it works. */
export const MERGE_LEASE_TTL_MS = 2 * 60_000;

export type MergeLeaseOutcome =
  | { readonly type: 'acquired' }
  | { readonly type: 'busy'; readonly holder: string; readonly expiresAt: number };

/** Take (or renew) the merge lease of `task`'s project for `task`, `ttlMs` from `now`. */
export async function takeMergeLease(
  tx: Tx,
  task: Task,
  now: number,
  ttlMs = MERGE_LEASE_TTL_MS,
): Promise<MergeLeaseOutcome> {
  const name = mergeLeaseName(task.projectId);
  const current = await tx.read.leases.get(name);
  if (current && current.holder !== task.id && current.expiresAt > now) {
    const holder = await getTask(tx, current.holder);
    if (holder && inMergePhase(holder))
      return { type: 'busy', holder: current.holder, expiresAt: current.expiresAt };
  }
  const acquiredAt = current?.holder === task.id ? current.acquiredAt : now;
  await tx.write.leases.put({ name, holder: task.id, expiresAt: now + ttlMs, acquiredAt });
  return { type: 'acquired' };
}

/** Extend `task`'s hold; false when it no longer holds the lease (reclaimed by another task). */
export async function renewMergeLease(
  tx: Tx,
  task: Pick<Task, 'id' | 'projectId'>,
  now: number,
  ttlMs = MERGE_LEASE_TTL_MS,
): Promise<boolean> {
  return await tx.write.leases.renew(mergeLeaseName(task.projectId), task.id, now + ttlMs);
}

/** Give the lease up if `task` holds it. */
export async function releaseMergeLease(tx: Tx, task: Pick<Task, 'id' | 'projectId'>): Promise<boolean> {
  return await tx.write.leases.release(mergeLeaseName(task.projectId), task.id);
}

/** The current holder of a project's merge lease, or null. */
export async function mergeLeaseHolder(
  reader: Reader,
  projectId: string,
): Promise<{ holder: string; acquiredAt: number; expiresAt: number } | null> {
  const row = await reader.read.leases.get(mergeLeaseName(projectId));
  return row ? { holder: row.holder, acquiredAt: row.acquiredAt, expiresAt: row.expiresAt } : null;
}

/** Tasks of a project in the merge phase that do not hold the lease, first come first. */
export async function mergeWaiters(reader: Reader, projectId: string): Promise<Task[]> {
  const holder = (await mergeLeaseHolder(reader, projectId))?.holder ?? null;
  const ids = await reader.read.tasks.mergeQueued(projectId);
  const found = await Promise.all(ids.map((id) => getTask(reader, id)));
  return found.filter((t): t is Task => t !== null && t.id !== holder && inMergePhase(t));
}

/** 1-based place of `task` among its project's merge waiters; null when it is not waiting. */
export async function mergeQueuePosition(reader: Reader, task: Task): Promise<number | null> {
  const index = (await mergeWaiters(reader, task.projectId)).findIndex((t) => t.id === task.id);
  return index < 0 ? null : index + 1;
}
