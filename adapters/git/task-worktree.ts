/**
 * One task's worktree on `task/<ID>`: created from the best start point, recovered when it was
 * left mid-rebase or on another branch, recreated when its directory vanished, removed for good.
 * Callers hold the project's mirror lock.
 */
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { GitCommand } from './git-command.ts';
import { failureText } from './git-failure.ts';

/** Everything that names one task's checkout. */
export interface TaskCheckout {
  readonly projectId: string;
  readonly taskId: string;
  readonly defaultBranch: string;
  /** Absolute path of the project's bare mirror. */
  readonly mirror: string;
  /** Absolute path of the task's worktree. */
  readonly worktree: string;
  /** `task/<ID>`. */
  readonly branch: string;
}

/** Make sure the worktree exists and is on its branch; returns its head sha. */
export async function ensureWorktree(git: GitCommand, task: TaskCheckout, logger: Logger): Promise<string> {
  const registered = await registeredWorktrees(git, task.mirror);
  const present = await exists(path.join(task.worktree, '.git'));
  if (present && registered.has(task.worktree)) return recoverWorktree(git, task, logger);
  // A directory git does not know, or a registration without its directory: start clean.
  await rm(task.worktree, { recursive: true, force: true });
  await git.run(task.mirror, ['worktree', 'prune']);
  await addWorktree(git, task, logger);
  // Only the agent a run hands it to may enter (ADR 0015).
  await chmod(task.worktree, 0o700);
  return git.run(task.worktree, ['rev-parse', 'HEAD']);
}

/** True when the task's worktree is checked out on this machine (its `.git` file is there). */
export async function hasWorktree(task: TaskCheckout): Promise<boolean> {
  return exists(path.join(task.worktree, '.git'));
}

/** Throw PermanentError unless the worktree exists and HEAD is on the task branch. */
export async function requireWorktree(git: GitCommand, task: TaskCheckout, doing: string): Promise<void> {
  if (!(await exists(path.join(task.worktree, '.git')))) {
    throw new PermanentError(`${doing}: no worktree for ${task.taskId} in ${task.projectId}; prepare it first`);
  }
  const current = await currentBranch(git, task.worktree);
  if (current !== task.branch) {
    throw new PermanentError(`${doing}: the worktree is on ${current ?? 'a detached HEAD'}, not ${task.branch}`);
  }
}

/** Remove the worktree directory and its registration; a missing one is fine. */
export async function removeWorktree(git: GitCommand, task: TaskCheckout, mirrorExists: boolean): Promise<void> {
  if (mirrorExists) {
    const registered = await registeredWorktrees(git, task.mirror);
    if (registered.has(task.worktree) && (await exists(task.worktree))) {
      await git.run(task.mirror, ['worktree', 'remove', '--force', task.worktree]);
    }
  }
  await rm(task.worktree, { recursive: true, force: true });
  if (mirrorExists) await git.run(task.mirror, ['worktree', 'prune']);
}

/** The branch HEAD is on (short name), or null when detached. */
export async function currentBranch(git: GitCommand, cwd: string): Promise<string | null> {
  try {
    const ref = await git.run(cwd, ['symbolic-ref', '--quiet', 'HEAD']);
    return ref.replace(/^refs\/heads\//, '');
  } catch {
    return null;
  }
}

/** True when a rebase was left in progress in `cwd`. */
export async function rebaseInProgress(git: GitCommand, cwd: string): Promise<boolean> {
  const gitPaths = await git.run(cwd, ['rev-parse', '--git-path', 'rebase-merge', '--git-path', 'rebase-apply']);
  for (const gitPath of gitPaths.split('\n')) {
    if (await exists(path.resolve(cwd, gitPath))) return true;
  }
  return false;
}

/**
 * Start from the remote task branch when it exists (a restart or rollback continues the work),
 * else from the remote default branch. A local branch wins only when it holds commits the remote
 * lacks (committed, then crashed before the push).
 */
async function addWorktree(git: GitCommand, task: TaskCheckout, logger: Logger): Promise<void> {
  const remoteTask = await git.resolveRef(task.mirror, `refs/remotes/origin/${task.branch}`);
  const local = await git.resolveRef(task.mirror, `refs/heads/${task.branch}`);
  await mkdir(path.dirname(task.worktree), { recursive: true });
  await chmod(path.dirname(task.worktree), 0o711);
  if (local && (!remoteTask || (local !== remoteTask && (await git.isAncestor(task.mirror, remoteTask, local))))) {
    await git.run(task.mirror, ['worktree', 'add', task.worktree, task.branch]);
    logger.info({ project: task.projectId, taskId: task.taskId, from: 'local branch' }, 'worktree created');
    return;
  }
  let start = remoteTask;
  if (!start) {
    start = await git.resolveRef(task.mirror, `refs/remotes/origin/${task.defaultBranch}`);
    if (!start) {
      throw new PermanentError(`preparing worktree ${task.taskId}: default branch ${task.defaultBranch} not found on the remote of ${task.projectId}`);
    }
  }
  // --no-track: an agent's bare `git push` must never reach the default branch.
  await git.run(task.mirror, ['worktree', 'add', '--no-track', '-B', task.branch, task.worktree, start]);
  logger.info({ project: task.projectId, taskId: task.taskId, from: remoteTask ? 'remote task branch' : task.defaultBranch }, 'worktree created');
}

/** Reuse an existing worktree: finish an interrupted rebase, return to the branch, catch up; returns the head. */
async function recoverWorktree(git: GitCommand, task: TaskCheckout, logger: Logger): Promise<string> {
  if (await rebaseInProgress(git, task.worktree)) await git.run(task.worktree, ['rebase', '--abort']);
  if ((await currentBranch(git, task.worktree)) !== task.branch) {
    try {
      await git.run(task.worktree, ['checkout', task.branch]);
    } catch (error) {
      throw new PermanentError(`preparing worktree ${task.taskId}: it is not on ${task.branch} and cannot return to it: ${failureText(error)}`);
    }
  }
  const remote = await git.resolveRef(task.worktree, `refs/remotes/origin/${task.branch}`);
  const head = await git.run(task.worktree, ['rev-parse', 'HEAD']);
  if (remote && remote !== head && (await git.isAncestor(task.worktree, head, remote))) {
    // Someone pushed to the task branch (a person's fix): take it when it cannot lose anything.
    try {
      await git.run(task.worktree, ['merge', '--ff-only', '--no-verify', remote]);
      return remote;
    } catch (error) {
      logger.warn({ project: task.projectId, taskId: task.taskId, reason: failureText(error) }, 'could not fast-forward worktree to the remote task branch');
    }
  }
  return head;
}

/** Absolute worktree paths the mirror has registered. */
async function registeredWorktrees(git: GitCommand, mirror: string): Promise<Set<string>> {
  const listing = await git.run(mirror, ['worktree', 'list', '--porcelain']);
  const paths = listing
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => path.resolve(line.slice('worktree '.length)));
  return new Set(paths);
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}
