/** CI statuses on the portable drizzle subset (see portable-db.ts). */
import { and, desc, eq, gte, max, ne, sql } from 'drizzle-orm';
import type { CiStatusReads, CiStatusWrites } from '../../core/store/ci-status-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlCiStatusReads(db: PortableDb, { ciStatuses }: Tables): CiStatusReads {
  return {
    async of(repo, sha) {
      return await db.select().from(ciStatuses).where(and(eq(ciStatuses.repo, repo), eq(ciStatuses.sha, sha)));
    },
    async recentShas(repo, since, head, limit) {
      const rows = await db
        .select({ sha: ciStatuses.sha })
        .from(ciStatuses)
        .where(and(eq(ciStatuses.repo, repo), gte(ciStatuses.updatedAt, since), ne(ciStatuses.sha, head)))
        .groupBy(ciStatuses.sha)
        .orderBy(desc(max(ciStatuses.updatedAt)))
        .limit(limit);
      return rows.map((r) => r.sha);
    },
  };
}

export function sqlCiStatusWrites(db: PortableDb, { ciStatuses }: Tables): CiStatusWrites {
  return {
    async record(row) {
      await db
        .insert(ciStatuses)
        .values(row)
        .onConflictDoUpdate({
          target: [ciStatuses.repo, ciStatuses.sha, ciStatuses.context],
          set: { state: row.state, description: row.description, targetUrl: row.targetUrl, statusId: row.statusId, updatedAt: row.updatedAt },
          // `excluded` is the proposed row in both SQLite and PostgreSQL.
          setWhere: sql`${ciStatuses.statusId} IS NULL OR excluded.status_id IS NULL OR excluded.status_id >= ${ciStatuses.statusId}`,
        });
    },
  };
}
