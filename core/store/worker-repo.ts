/** The processes on this database as rows (ADR 0055): each open instance with its running jobs. */
import { and, eq, isNull, isNotNull, sql } from 'drizzle-orm';
import { readerDb, type Reader } from './database.ts';
import { instances, jobs } from './schema.ts';

/** An instance not known to have stopped, and how many jobs it holds running now. */
export interface ProcessRow {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly role: string;
  /** Comma-separated job kinds it claims; empty: none. */
  readonly kinds: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly runningJobs: number;
}

/** Open instances, oldest first, with their running job counts (jobs' lease owner is the instance id). */
export async function openProcesses(reader: Reader): Promise<ProcessRow[]> {
  const db = readerDb(reader);
  const rows = db.select().from(instances).where(isNull(instances.stoppedAt)).orderBy(instances.startedAt).all();
  const counts = db
    .select({ owner: jobs.leaseOwner, n: sql<number>`COUNT(*)` })
    .from(jobs)
    .where(and(eq(jobs.state, 'running'), isNotNull(jobs.leaseOwner)))
    .groupBy(jobs.leaseOwner)
    .all();
  const running = new Map(counts.map((c) => [c.owner, Number(c.n)]));
  return rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, role: r.role, kinds: r.kinds, startedAt: r.startedAt, heartbeatAt: r.heartbeatAt, runningJobs: running.get(r.id) ?? 0 }));
}
