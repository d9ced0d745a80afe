/** Instance rows on the portable drizzle subset (see portable-db.ts). */
import { and, count, eq, inArray, isNotNull, isNull, like, lt } from 'drizzle-orm';
import type { InstanceReads, InstanceWrites } from '../../core/store/instance-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlInstanceReads(db: PortableDb, { instances, jobs }: Tables): InstanceReads {
  return {
    async open() {
      return await db.select().from(instances).where(isNull(instances.stoppedAt));
    },
    async runningJobsByOwner() {
      const rows = await db
        .select({ owner: jobs.leaseOwner, n: count() })
        .from(jobs)
        .where(and(eq(jobs.state, 'running'), isNotNull(jobs.leaseOwner)))
        .groupBy(jobs.leaseOwner);
      return rows.flatMap((r) => (r.owner === null ? [] : [{ owner: r.owner, n: r.n }]));
    },
  };
}

export function sqlInstanceWrites(db: PortableDb, { instances, jobs, leases }: Tables): InstanceWrites {
  return {
    async insert(row) {
      await db.insert(instances).values(row);
    },
    async pruneStopped(before) {
      await db.delete(instances).where(lt(instances.stoppedAt, before));
    },
    async heartbeat(id, now) {
      await db.update(instances).set({ heartbeatAt: now }).where(eq(instances.id, id));
    },
    async markStopped(id, now) {
      await db.update(instances).set({ stoppedAt: now }).where(eq(instances.id, id));
    },
    async releaseMergeLeasesOf(owner) {
      const holders = (
        await db
          .select({ taskId: jobs.taskId })
          .from(jobs)
          .where(and(eq(jobs.state, 'running'), eq(jobs.kind, 'merge'), eq(jobs.leaseOwner, owner)))
      ).flatMap((j) => (j.taskId ? [j.taskId] : []));
      if (holders.length === 0) return 0;
      const rows = await db
        .delete(leases)
        .where(and(like(leases.name, 'merge:%'), inArray(leases.holder, holders)))
        .returning({ name: leases.name });
      return rows.length;
    },
    async expireJobLeasesOf(owner) {
      const rows = await db
        .update(jobs)
        .set({ leaseExpiresAt: 0 })
        .where(and(eq(jobs.state, 'running'), eq(jobs.leaseOwner, owner)))
        .returning({ id: jobs.id });
      return rows.length;
    },
  };
}
