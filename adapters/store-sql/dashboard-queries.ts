/** The dashboard's queries on the portable drizzle subset (see portable-db.ts). */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DashboardQueries } from '../../core/store/dashboard-queries.ts';
import type { DeployImageOutcome } from '../../core/store/deploy-image-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';

export function sqlDashboardQueries(db: PortableDb, { tasks, transitions, jobs, deployImages }: Tables): DashboardQueries {
  return {
    async projectTransitions(projectId) {
      return await db
        .select({
          taskId: transitions.taskId,
          fromStage: transitions.fromStage,
          toStage: transitions.toStage,
          reason: transitions.reason,
          at: transitions.at,
          createdAt: tasks.createdAt,
        })
        .from(transitions)
        .innerJoin(tasks, eq(tasks.id, transitions.taskId))
        .where(eq(tasks.projectId, projectId))
        .orderBy(asc(transitions.taskId), asc(transitions.id));
    },
    async finishedAgentRuns(projectId) {
      return await db
        .select({ payload: jobs.payload, startedAt: jobs.startedAt, finishedAt: jobs.finishedAt, updatedAt: jobs.updatedAt })
        .from(jobs)
        .innerJoin(tasks, eq(tasks.id, jobs.taskId))
        .where(and(eq(tasks.projectId, projectId), eq(jobs.kind, 'agent'), inArray(jobs.state, ['succeeded', 'dead'])));
    },
    async jobsOfTask(taskId) {
      return await db.select().from(jobs).where(eq(jobs.taskId, taskId)).orderBy(jobs.id);
    },
    async deploysOfTask(projectId, taskId) {
      const rows = await db
        .select()
        .from(deployImages)
        .where(and(eq(deployImages.projectId, projectId), eq(deployImages.taskId, taskId)))
        .orderBy(desc(deployImages.id));
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
