/**
 * Bringing a task branch onto the default branch (the caller fetched the mirror and holds its
 * lock): land it with the project's merge method when the branch already contains the remote
 * default branch, otherwise rebase and push the branch so it can be tested again, or report the
 * conflict with the worktree left clean on its old head.
 */
import { PermanentError } from '../../core/errors.ts';
import type { CatchUpOutcome, MergeOutcome } from '../../core/ports/workspace.ts';
import type { GitCommand } from './git-command.ts';
import { gitFailure } from './git-failure.ts';
import { landedCommit, landOnDefault, type Landing } from './land-on-default.ts';
import { pushTaskBranch } from './push-branch.ts';
import { rebaseInProgress, type TaskCheckout } from './task-worktree.ts';

/** Land or rebase; `refetch` fetches the mirror again when the default branch moved under us. */
export async function mergeToDefault(
  git: GitCommand,
  task: TaskCheckout,
  how: Pick<Landing, 'title' | 'method'>,
  refetch: () => Promise<void>,
): Promise<MergeOutcome> {
  const target = `refs/remotes/origin/${task.defaultBranch}`;
  const head = await git.run(task.worktree, ['rev-parse', 'HEAD']);
  const base = await requireRef(git, task, target);
  const landing: Landing = { taskId: task.taskId, defaultBranch: task.defaultBranch, sha: head, ...how };
  if (base === head || (await git.isAncestor(task.worktree, base, head)) || (await landedCommit(git, task.worktree, target, head))) {
    const landed = await landOnDefault(git, task.worktree, landing);
    if (landed.type === 'merged') return landed;
    await refetch();
    const again = (await git.resolveRef(task.worktree, target)) === head ? head : await landedCommit(git, task.worktree, target, head);
    if (again) return { type: 'merged', sha: again };
  }
  return rebaseOnto(git, task, target);
}

/** Rebase onto the remote default branch unless the branch (at `head`) already contains it. */
export async function catchUp(git: GitCommand, task: TaskCheckout, head: string): Promise<CatchUpOutcome> {
  const target = `refs/remotes/origin/${task.defaultBranch}`;
  const base = await requireRef(git, task, target);
  // Already landed (squash or merge commit) before a crash: nothing to rebase, the landing finds it.
  if ((await git.isAncestor(task.worktree, base, head)) || (await landedCommit(git, task.worktree, target, head))) {
    // The remote task branch may lag the worktree (a crash between commit and push): push it.
    await pushTaskBranch(git, task.worktree, task.branch, head);
    return { type: 'current', headSha: head, path: task.worktree };
  }
  const outcome = await rebaseOnto(git, task, target);
  if (outcome.type === 'merged') return { type: 'current', headSha: outcome.sha, path: task.worktree };
  return outcome.type === 'rebased' ? { ...outcome, path: task.worktree } : outcome;
}

async function rebaseOnto(git: GitCommand, task: TaskCheckout, target: string): Promise<Exclude<MergeOutcome, { type: 'merged' }> | { type: 'merged'; sha: string }> {
  const doing = `rebasing ${task.branch} onto ${task.defaultBranch} in ${task.projectId}`;
  const dirty = await git.run(task.worktree, ['status', '--porcelain', '--untracked-files=no']);
  if (dirty) throw new PermanentError(`${doing}: the worktree has uncommitted changes; commit them first`);
  try {
    await git.run(task.worktree, ['rebase', '--no-verify', target]);
  } catch (error) {
    const conflicted = await git.run(task.worktree, ['diff', '--name-only', '--diff-filter=U']);
    const stopped = await rebaseInProgress(git, task.worktree);
    if (stopped) await git.run(task.worktree, ['rebase', '--abort']);
    if (!stopped && !conflicted) throw gitFailure(doing, error);
    const files = conflicted.split('\n').filter(Boolean);
    const reason = files.length > 0 ? `conflicts in ${files.join(', ')}` : 'the rebase stopped';
    return { type: 'conflict', reason: `${task.branch} does not rebase onto ${task.defaultBranch}: ${reason}` };
  }
  const headSha = await git.run(task.worktree, ['rev-parse', 'HEAD']);
  await pushTaskBranch(git, task.worktree, task.branch, headSha);
  return { type: 'rebased', headSha };
}

async function requireRef(git: GitCommand, task: TaskCheckout, ref: string): Promise<string> {
  const sha = await git.resolveRef(task.worktree, ref);
  if (!sha) throw new PermanentError(`merging ${task.branch} in ${task.projectId}: default branch ${task.defaultBranch} not found on the remote`);
  return sha;
}
