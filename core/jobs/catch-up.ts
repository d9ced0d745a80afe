/**
 * Catch-up before staging or merging (design §10): a branch behind the default branch is rebased
 * (task branch pushed with --force-with-lease) and the new head re-tested — the local ciCommand,
 * or the forge's commit status (the engine waits for it). Only a tested head goes on. Without
 * either, an untested rebase is never merged: the task escalates (ADR 0023).
 */
import type { DomainEvent } from '../domain/events.ts';
import type { Task } from '../domain/task.ts';
import type { ProjectConfig } from '../config/projects.ts';
import type { JobRow } from '../queue/job.ts';
import type { JobDeps } from './job-deps.ts';

export type CatchUp =
  | {
      readonly type: 'ready';
      readonly headSha: string;
      readonly rebased: boolean;
      readonly worktreePath: string;
    }
  | { readonly type: 'event'; readonly event: DomainEvent };

export async function catchUpAndRetest(
  deps: JobDeps,
  job: JobRow,
  task: Task,
  project: ProjectConfig,
  round = 0,
): Promise<CatchUp> {
  const key = `job:${job.id}:catch-up`;
  const outcome = await deps.workspace.catchUp(project, task.id);
  if (outcome.type === 'current')
    return { type: 'ready', headSha: outcome.headSha, rebased: false, worktreePath: outcome.path };
  if (outcome.type === 'conflict') {
    const reason = `${outcome.reason}\nRebase ${task.branch} onto ${project.defaultBranch} and resolve these files.`;
    return {
      type: 'event',
      event: { type: 'MergeFailed', key, taskId: task.id, reason, actor: 'merge-gate' },
    };
  }
  return retest(deps, job, task, project, outcome.headSha, outcome.path, round);
}

async function retest(
  deps: JobDeps,
  job: JobRow,
  task: Task,
  project: ProjectConfig,
  sha: string,
  worktreePath: string,
  round: number,
): Promise<CatchUp> {
  const key = `job:${job.id}:catch-up`;
  if (project.ciCommand) {
    const log = deps.runFiles
      .logFile(task.id, 'developer', Math.max(1, task.attempts.developer ?? 1))
      .replace(/\.log$/, `.merge-ci-${job.id}-${round}.log`);
    const ci = await deps.ci.run(project.ciCommand, worktreePath, (project.ciTimeoutS ?? 900) * 1000, log, project.id);
    if (deps.forge) {
      await deps.forge
        .postStatus(
          project.repo,
          sha,
          ci.passed ? 'success' : 'failure',
          'conveyor/local-ci',
          ci.passed ? 'local CI passed after rebase' : 'local CI failed after rebase',
        )
        .catch((error: unknown) =>
          deps.logger.warn({ task: task.id, error: String(error) }, 'posting local CI status failed'),
        );
    }
    if (!ci.passed) {
      const reason = `CI failed after rebasing onto ${project.defaultBranch} (${sha.slice(0, 7)}):\n${ci.excerpt}`;
      return {
        type: 'event',
        event: { type: 'MergeFailed', key, taskId: task.id, reason, actor: 'merge-gate' },
      };
    }
    return { type: 'ready', headSha: sha, rebased: true, worktreePath };
  }
  if (deps.forge)
    return {
      type: 'event',
      event: { type: 'MergeRetestRequested', key, taskId: task.id, sha, actor: 'merge-gate' },
    };
  const reason = `${task.branch} was rebased onto ${project.defaultBranch} (${sha.slice(0, 7)}) but ${project.id} has no ciCommand and no forge CI: an untested rebase is never merged. Add a ciCommand, or test and merge by hand`;
  return {
    type: 'event',
    event: { type: 'MergeBlocked', key, taskId: task.id, reason, actor: 'merge-gate' },
  };
}
