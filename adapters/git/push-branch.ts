/**
 * Pushing from a worktree. The task branch goes with `--force-with-lease` against the sha we last
 * saw on the remote (a rebase rewrites it, a stranger's push must not be overwritten); the default
 * branch only ever moves by a plain fast-forward push.
 */
import type { GitCommand } from './git-command.ts';
import { GitCommandError } from './git-command.ts';

/** Push `head` to `task/<ID>` unless the remote already has it; records the new remote sha. */
export async function pushTaskBranch(git: GitCommand, cwd: string, branch: string, head: string): Promise<void> {
  const trackingRef = `refs/remotes/origin/${branch}`;
  const expected = (await git.resolveRef(cwd, trackingRef)) ?? '';
  if (expected === head) return;
  // Full option name: simple-git refuses abbreviations; an empty expectation means "must not exist".
  // git updates refs/remotes/origin/<branch> itself on a successful push (the mirror's fetch
  // refspec maps it), so no update-ref call follows.
  await git.run(cwd, ['push', `--force-with-lease=refs/heads/${branch}:${expected}`, 'origin', `${head}:refs/heads/${branch}`]);
}

/** The outcome of a plain push of `head` to the default branch. */
export type FastForwardPush = { readonly type: 'pushed' } | { readonly type: 'rejected'; readonly reason: string };

/** Fast-forward the remote default branch to `head`; a remote that moved meanwhile rejects it. */
export async function fastForwardDefault(git: GitCommand, cwd: string, defaultBranch: string, head: string): Promise<FastForwardPush> {
  try {
    await git.run(cwd, ['push', 'origin', `${head}:refs/heads/${defaultBranch}`]);
  } catch (error) {
    if (error instanceof GitCommandError && /\[rejected\]|non-fast-forward|fetch first|\(stale info\)/i.test(error.output)) {
      return { type: 'rejected', reason: error.output.trim() };
    }
    throw error;
  }
  return { type: 'pushed' };
}
