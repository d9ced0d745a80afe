/** Instance rows: one per Conveyor process that opened the database (ADR 0021). */
import { and, eq, inArray, isNull, like, lt } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { instances, jobs, leases } from './schema.ts';

export type InstanceRow = typeof instances.$inferSelect;

/** Rows not known to have stopped. */
export async function openInstances(reader: Reader): Promise<InstanceRow[]> {
  const db = readerDb(reader);
  return db.select().from(instances).where(isNull(instances.stoppedAt)).all();
}

/** A new row; `role` defaults to `start`, `kinds` to none (ADR 0055). */
export async function insertInstance(tx: Tx, row: Omit<InstanceRow, 'stoppedAt' | 'role' | 'kinds'> & Partial<Pick<InstanceRow, 'role' | 'kinds'>>): Promise<void> {
  tx.db.insert(instances).values(row).run();
}

/** Forget instances that stopped before `before` (one row per start would otherwise pile up). */
export async function pruneStoppedInstances(tx: Tx, before: number): Promise<void> {
  tx.db.delete(instances).where(lt(instances.stoppedAt, before)).run();
}

export async function heartbeatInstance(tx: Tx, id: string, now: number): Promise<void> {
  tx.db.update(instances).set({ heartbeatAt: now }).where(eq(instances.id, id)).run();
}

export async function markInstanceStopped(tx: Tx, id: string, now: number): Promise<void> {
  tx.db.update(instances).set({ stoppedAt: now }).where(eq(instances.id, id)).run();
}

/**
 * Free the named leases (the per-project merge lease) held by the tasks whose merge job a dead
 * instance was running: the lease would otherwise block every other merge of the project until
 * it expires, even when the reclaimed job does not run again (its attempts used up).
 */
export async function releaseMergeLeasesOf(tx: Tx, owner: string): Promise<number> {
  const holders = tx.db
    .select({ taskId: jobs.taskId })
    .from(jobs)
    .where(and(eq(jobs.state, 'running'), eq(jobs.kind, 'merge'), eq(jobs.leaseOwner, owner)))
    .all()
    .flatMap((j) => (j.taskId ? [j.taskId] : []));
  if (holders.length === 0) return 0;
  return tx.db
    .delete(leases)
    .where(and(like(leases.name, 'merge:%'), inArray(leases.holder, holders)))
    .run().changes;
}

/**
 * Let the running jobs of a dead instance be claimed now instead of when their lease expires: the
 * claim counts the attempt, and the agent runner stops the dead run's orphaned group first.
 */
export async function expireLeasesOf(tx: Tx, owner: string): Promise<number> {
  return tx.db
    .update(jobs)
    .set({ leaseExpiresAt: 0 })
    .where(and(eq(jobs.state, 'running'), eq(jobs.leaseOwner, owner)))
    .run().changes;
}
