/**
 * Bring a finished task onto the default branch, one merge per project at a time (the merge
 * lease). Behind the default branch: rebase, re-test with the local CI, then merge. A busy lease
 * defers the job; it is never a red gate.
 */
import { acquireLease, releaseLease } from '../store/lease-repo.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { JobHandler } from '../queue/worker-pool.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';

const LEASE_TTL_MS = 30 * 60_000;

export function mergeJob(deps: JobDeps): JobHandler {
  return {
    async run(job) {
      const { task, project } = jobSubject(deps, job);
      if (task.phase !== 'merging' || task.escalated) return { type: 'done' };
      const leaseName = `merge:${project.id}`;
      const lease = deps.store.write((tx) => acquireLease(tx, leaseName, task.id, LEASE_TTL_MS, deps.clock.now()));
      if (lease.type === 'busy') return { type: 'defer', delayMs: 10_000, reason: `merge lease held by ${lease.holder}` };
      try {
        const key = `job:${job.id}:merge`;
        const fail = (reason: string): DomainEvent => ({ type: 'MergeFailed', key, taskId: task.id, reason, actor: 'merge-gate' });
        if (deps.forge && task.prNumber !== null && task.headSha) {
          const merged = await deps.forge.merge(project.repo, task.prNumber, task.headSha);
          return { type: 'done', event: merged.type === 'merged' ? { type: 'Merged', key, taskId: task.id, sha: task.headSha, actor: 'merge-gate' } : fail(merged.reason) };
        }
        for (let round = 0; round < 3; round += 1) {
          const outcome = await deps.workspace.mergeToDefault(project, task.id);
          if (outcome.type === 'merged') return { type: 'done', event: { type: 'Merged', key, taskId: task.id, sha: outcome.sha, actor: 'merge-gate' } };
          if (outcome.type === 'conflict') return { type: 'done', event: fail(`rebase onto ${project.defaultBranch} failed: ${outcome.reason}`) };
          if (project.ciCommand) {
            const worktree = await deps.workspace.prepare(project, task.id);
            const ci = await deps.ci.run(project.ciCommand, worktree.path, (project.ciTimeoutS ?? 900) * 1000, deps.runFiles.logFile(task.id, 'developer', Math.max(1, task.attempts.developer ?? 1)).replace(/\.log$/, `.merge-ci-${job.id}-${round}.log`), project.id);
            if (!ci.passed) return { type: 'done', event: fail(`CI failed after rebasing onto ${project.defaultBranch}:\n${ci.excerpt}`) };
          }
        }
        return { type: 'defer', delayMs: 30_000, reason: `${project.defaultBranch} keeps moving` };
      } finally {
        deps.store.write((tx) => releaseLease(tx, leaseName, task.id));
      }
    },
  };
}
