/** The projects mirror on the portable drizzle subset (see portable-db.ts). */
import type { ProjectWrites } from '../../core/store/project-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlProjectWrites(db: PortableDb, { projects }: Tables): ProjectWrites {
  return {
    async upsert(p, now) {
      await db
        .insert(projects)
        .values({ id: p.id, repo: p.repo, config: p, updatedAt: now })
        .onConflictDoUpdate({ target: projects.id, set: { repo: p.repo, config: p, updatedAt: now } });
    },
  };
}
