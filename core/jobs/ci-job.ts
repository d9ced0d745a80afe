/** Run a project's local `ciCommand` on the pushed head and report it as a CI status. */
import type { JobHandler } from '../queue/worker-pool.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';

export function ciJob(deps: JobDeps): JobHandler {
  return {
    async run(job) {
      const { task, project } = await jobSubject(deps, job);
      const sha = String(job.payload.sha);
      if (!project.ciCommand) return { type: 'done' };
      if (task.headSha !== sha || task.phase !== 'awaiting-ci') return { type: 'done' }; // superseded
      const worktree = await deps.workspace.prepare(project, task.id);
      const timeoutMs = (project.ciTimeoutS ?? 900) * 1000;
      const result = await deps.ci.run(project.ciCommand, worktree.path, timeoutMs, deps.runFiles.logFile(task.id, 'developer', Math.max(1, Number(job.payload.attempt ?? 1))).replace(/\.log$/, '.ci.log'), project.id);
      if (deps.forge) {
        await deps.forge
          .postStatus(project.repo, sha, result.passed ? 'success' : 'failure', 'conveyor/local-ci', result.passed ? 'local CI passed' : 'local CI failed')
          .catch((error: unknown) => deps.logger.warn({ task: task.id, error: String(error) }, 'posting local CI status failed'));
      }
      return {
        type: 'done',
        event: {
          type: 'CiStatusReported',
          key: `job:${job.id}:ci`,
          taskId: task.id,
          sha,
          state: result.passed ? 'success' : 'failure',
          detail: result.excerpt,
          actor: 'local-ci',
        },
      };
    },
  };
}
