/** Instance rows: one per Conveyor process that opened the database (ADR 0021). */
import { and, eq, inArray, isNull, like, lt } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { instances, jobs, leases } from './schema.ts';

export type InstanceRow = typeof instances.$inferSelect;

/** Rows not known to have stopped. */
export function openInstances(db: Db): InstanceRow[] {
  return db.select().from(instances).where(isNull(instances.stoppedAt)).all();
}

export function insertInstance(tx: Tx, row: Omit<InstanceRow, 'stoppedAt'>): void {
  tx.insert(instances).values(row).run();
}

/** Forget instances that stopped before `before` (one row per start would otherwise pile up). */
export function pruneStoppedInstances(tx: Tx, before: number): void {
  tx.delete(instances).where(lt(instances.stoppedAt, before)).run();
}

export function heartbeatInstance(db: Db, id: string, now: number): void {
  db.update(instances).set({ heartbeatAt: now }).where(eq(instances.id, id)).run();
}

export function markInstanceStopped(db: Db, id: string, now: number): void {
  db.update(instances).set({ stoppedAt: now }).where(eq(instances.id, id)).run();
}

/**
 * Free the named leases (the per-project merge lease) held by the tasks whose merge job a dead
 * instance was running: the lease would otherwise block every other merge of the project until
 * it expires, even when the reclaimed job does not run again (its attempts used up).
 */
export function releaseMergeLeasesOf(tx: Tx, owner: string): number {
  const holders = tx
    .select({ taskId: jobs.taskId })
    .from(jobs)
    .where(and(eq(jobs.state, 'running'), eq(jobs.kind, 'merge'), eq(jobs.leaseOwner, owner)))
    .all()
    .flatMap((j) => (j.taskId ? [j.taskId] : []));
  if (holders.length === 0) return 0;
  return tx.delete(leases).where(and(like(leases.name, 'merge:%'), inArray(leases.holder, holders))).run().changes;
}

/**
 * Let the running jobs of a dead instance be claimed now instead of when their lease expires: the
 * claim counts the attempt, and the agent runner stops the dead run's orphaned group first.
 */
export function expireLeasesOf(tx: Tx, owner: string): number {
  return tx
    .update(jobs)
    .set({ leaseExpiresAt: 0 })
    .where(and(eq(jobs.state, 'running'), eq(jobs.leaseOwner, owner)))
    .run().changes;
}
