/**
 * The per-project merge lease (design §10, ADR 0023): held by one task from entering the merge
 * phase until it leaves it. A holder that left the phase, or whose expiry passed without renewal,
 * loses it to the next taker. Reading it may throw (a broken store): callers let that propagate,
 * so nothing merges on a lease nobody could read.
 */
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { inMergePhase, mergeLeaseName } from '../domain/merge-phase.ts';
import type { Task } from '../domain/task.ts';
import type { Db, Tx } from './database.ts';
import { leases, tasks } from './schema.ts';
import { getTask } from './task-repo.ts';

/** How long a lease lives without renewal; the holder renews it well within this while it works. */
export const MERGE_LEASE_TTL_MS = 2 * 60_000;

export type MergeLeaseOutcome =
  | { readonly type: 'acquired' }
  | { readonly type: 'busy'; readonly holder: string; readonly expiresAt: number };

/** Take (or renew) the merge lease of `task`'s project for `task`, `ttlMs` from `now`. */
export function takeMergeLease(
  tx: Tx,
  task: Task,
  now: number,
  ttlMs = MERGE_LEASE_TTL_MS,
): MergeLeaseOutcome {
  const name = mergeLeaseName(task.projectId);
  const current = tx.select().from(leases).where(eq(leases.name, name)).get();
  if (current && current.holder !== task.id && current.expiresAt > now) {
    const holder = getTask(tx, current.holder);
    if (holder && inMergePhase(holder))
      return { type: 'busy', holder: current.holder, expiresAt: current.expiresAt };
  }
  const acquiredAt = current?.holder === task.id ? current.acquiredAt : now;
  tx.insert(leases)
    .values({ name, holder: task.id, expiresAt: now + ttlMs, acquiredAt })
    .onConflictDoUpdate({ target: leases.name, set: { holder: task.id, expiresAt: now + ttlMs, acquiredAt } })
    .run();
  return { type: 'acquired' };
}

/** Extend `task`'s hold; false when it no longer holds the lease (reclaimed by another task). */
export function renewMergeLease(
  tx: Tx,
  task: Pick<Task, 'id' | 'projectId'>,
  now: number,
  ttlMs = MERGE_LEASE_TTL_MS,
): boolean {
  const name = mergeLeaseName(task.projectId);
  return (
    tx
      .update(leases)
      .set({ expiresAt: now + ttlMs })
      .where(and(eq(leases.name, name), eq(leases.holder, task.id)))
      .run().changes === 1
  );
}

/** Give the lease up if `task` holds it. */
export function releaseMergeLease(tx: Tx, task: Pick<Task, 'id' | 'projectId'>): boolean {
  const name = mergeLeaseName(task.projectId);
  return (
    tx
      .delete(leases)
      .where(and(eq(leases.name, name), eq(leases.holder, task.id)))
      .run().changes === 1
  );
}

/** The current holder of a project's merge lease, or null. */
export function mergeLeaseHolder(
  db: Db,
  projectId: string,
): { holder: string; acquiredAt: number; expiresAt: number } | null {
  const row = db
    .select()
    .from(leases)
    .where(eq(leases.name, mergeLeaseName(projectId)))
    .get();
  return row ? { holder: row.holder, acquiredAt: row.acquiredAt, expiresAt: row.expiresAt } : null;
}

/** Tasks of a project in the merge phase that do not hold the lease, first come first. */
export function mergeWaiters(db: Db, projectId: string): Task[] {
  const holder = mergeLeaseHolder(db, projectId)?.holder ?? null;
  const rows = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.projectId, projectId), isNotNull(tasks.mergeQueuedAt), eq(tasks.escalated, false)))
    .orderBy(asc(tasks.mergeQueuedAt), asc(tasks.id))
    .all();
  return rows
    .map((r) => getTask(db, r.id))
    .filter((t): t is Task => t !== null && t.id !== holder && inMergePhase(t));
}

/** 1-based place of `task` among its project's merge waiters; null when it is not waiting. */
export function mergeQueuePosition(db: Db, task: Task): number | null {
  const index = mergeWaiters(db, task.projectId).findIndex((t) => t.id === task.id);
  return index < 0 ? null : index + 1;
}
