/** Mirror the projects file into the store (for audit and for tools reading the database). */
import type { ProjectConfig } from '../config/projects.ts';
import type { Store } from './database.ts';
import { projects } from './schema.ts';

export async function syncProjects(store: Store, list: readonly ProjectConfig[], now: number): Promise<void> {
  await store.transaction(async (tx) => {
    for (const p of list) {
      tx.db
        .insert(projects)
        .values({ id: p.id, repo: p.repo, config: p, updatedAt: now })
        .onConflictDoUpdate({ target: projects.id, set: { repo: p.repo, config: p, updatedAt: now } })
        .run();
    }
  });
}

/** Project writes of the store port. */
export interface ProjectWrites {
  upsert(project: ProjectConfig, now: number): Promise<void>;
}
