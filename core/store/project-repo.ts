/** Mirror the projects file into the store (for audit and for tools reading the database). */
import type { ProjectConfig } from '../config/projects.ts';
import type { Store } from './store.ts';

export async function syncProjects(store: Store, list: readonly ProjectConfig[], now: number): Promise<void> {
  await store.transaction(async (tx) => {
    for (const p of list) await tx.write.projects.upsert(p, now);
  });
}

/** Project writes of the store port. */
export interface ProjectWrites {
  upsert(project: ProjectConfig, now: number): Promise<void>;
}
