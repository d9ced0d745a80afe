/** Small side-effect jobs: worktree cleanup, tracker calls, forge pull requests. */
import { PermanentError } from '../errors.ts';
import type { JobHandler } from '../queue/worker-pool.ts';
import { crashPoint } from '../fault/crash-point.ts';
import { pruneStagingImages } from '../staging/prune-staging-images.ts';
import { deployImageHistory } from '../store/deploy-image-repo.ts';
import { activeTaskIds } from '../store/task-repo.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';

export function cleanupJob(deps: JobDeps): JobHandler {
  return {
    async run(job) {
      const { task, project } = await jobSubject(deps, job);
      await deps.workspace.remove(project, task.id);
      if (deps.docker && project.stages.includes('deploy-staging')) {
        // Finished tasks' staging images go; production's and the rollback history stay (ADR 0026).
        const keep = new Set((await deployImageHistory(deps.store.db, project.id)).map((r) => r.imageId));
        const report = await pruneStagingImages(deps.docker, { projectId: project.id, activeTasks: await activeTaskIds(deps.store.db, project.id), keep });
        if (report.removed.length > 0 || report.failed.length > 0) deps.logger.info({ project: project.id, ...report }, 'staging images pruned');
      }
      return { type: 'done' };
    },
  };
}

export function trackerJob(deps: JobDeps): JobHandler {
  return {
    async run(job) {
      const { task, project } = await jobSubject(deps, job);
      if (!deps.tracker || !task.externalId) return { type: 'done' };
      if (job.payload.action === 'move') {
        await deps.tracker.moveToGroup(project.id, task.externalId, job.payload.group === 'completed' ? 'completed' : 'started');
      } else if (job.payload.action === 'comment') {
        await deps.tracker.comment(project.id, task.externalId, String(job.payload.externalId), String(job.payload.html));
        crashPoint('tracker-comment');
      } else {
        throw new PermanentError(`unknown tracker action ${String(job.payload.action)}`);
      }
      return { type: 'done' };
    },
  };
}

export function forgeJob(deps: JobDeps): JobHandler {
  return {
    async run(job) {
      const { task, project } = await jobSubject(deps, job);
      if (!deps.forge) return { type: 'done' };
      const body = `Conveyor task ${task.id}${task.externalUrl ? ` (${task.externalUrl})` : ''}`;
      const number = await deps.forge.ensurePullRequest(project.repo, task.branch, project.defaultBranch, `${task.id}: ${task.title}`, body);
      crashPoint('pr');
      return { type: 'done', event: { type: 'PullRequestOpened', key: `job:${job.id}:pr`, taskId: task.id, number, actor: 'forge' } };
    },
  };
}
