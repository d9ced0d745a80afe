/** Deploy image history on the portable drizzle subset (see portable-db.ts). */
import { desc, eq } from 'drizzle-orm';
import type { DeployImageOutcome, DeployImageReads, DeployImageWrites } from '../../core/store/deploy-image-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlDeployImageReads(db: PortableDb, { deployImages }: Tables): DeployImageReads {
  return {
    async history(projectId, limit) {
      const query = db.select().from(deployImages).where(eq(deployImages.projectId, projectId)).orderBy(desc(deployImages.id));
      const rows = limit === undefined ? await query : await query.limit(limit);
      return rows.map((row) => ({
        projectId: row.projectId,
        imageId: row.imageId,
        ref: row.ref,
        sha: row.sha,
        taskId: row.taskId,
        deployedAt: row.deployedAt,
        outcome: row.outcome as DeployImageOutcome,
      }));
    },
  };
}

export function sqlDeployImageWrites(db: PortableDb, { deployImages }: Tables): DeployImageWrites {
  return {
    async record(record) {
      await db.insert(deployImages).values(record);
    },
  };
}
