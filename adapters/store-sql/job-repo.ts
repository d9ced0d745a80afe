/** The engine's job changes on the portable drizzle subset (see portable-db.ts). */
import { and, eq, inArray } from 'drizzle-orm';
import type { JobWrites } from '../../core/store/job-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlJobWrites(db: PortableDb, { jobs }: Tables): JobWrites {
  return {
    async makeDue(kinds, taskIds, now) {
      await db
        .update(jobs)
        .set({ availableAt: now, updatedAt: now })
        .where(and(eq(jobs.state, 'queued'), inArray(jobs.kind, [...kinds]), inArray(jobs.taskId, [...taskIds])));
    },
  };
}
