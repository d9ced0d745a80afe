/**
 * Backing a stand-in repository with a real bare git repository (tests of the merge gate): branch
 * heads are read from it, and the merge API applies Gitea's merge styles on it for real (merge,
 * squash, rebase, fast-forward-only), or reports git's conflict. Synchronous on purpose: the stand-in's state
 * is plain in-memory code; the repositories are small.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
  GIT_AUTHOR_NAME: 'Gitea',
  GIT_AUTHOR_EMAIL: 'gitea@localhost',
  GIT_COMMITTER_NAME: 'Gitea',
  GIT_COMMITTER_EMAIL: 'gitea@localhost',
};

function git(bare: string, args: readonly string[]): string {
  return execFileSync('git', [...args], {
    cwd: bare,
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Branch name → head sha, as the bare repository has them now. */
export function readGitHeads(bare: string): Map<string, string> {
  const out = git(bare, ['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/']);
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
}

export type GitMerge = { type: 'merged'; sha: string } | { type: 'conflict'; stderr: string };

/** Gitea's merge styles the stand-in applies for real (`manually-merged` and `rebase-merge` are not used by Conveyor). */
export type GitMergeStyle = 'merge' | 'squash' | 'rebase' | 'fast-forward-only';

/** One merge of `head` into branch `base` (currently at `baseSha`). */
export interface GitMergeInput {
  readonly base: string;
  readonly baseSha: string;
  readonly head: string;
  readonly style: GitMergeStyle;
  /** The commit message (merge and squash styles). */
  readonly message: string;
}

/**
 * Merge as Gitea's style does: `merge` a merge commit (`--no-ff`), `squash` one commit of the
 * merged tree on top of the base, `rebase` the head's commits replayed onto the base (the head
 * itself when it already contains the base), `fast-forward-only` the head itself or a refusal.
 * Moves `base` only if it did not move meanwhile.
 */
export function gitMerge(bare: string, input: GitMergeInput): GitMerge {
  const { base, baseSha, head, style, message } = input;
  let sha: string;
  if (style === 'fast-forward-only' || (style === 'rebase' && isAncestor(bare, baseSha, head))) {
    if (!isAncestor(bare, baseSha, head)) {
      return { type: 'conflict', stderr: 'fatal: Not possible to fast-forward, aborting.' };
    }
    sha = git(bare, ['rev-parse', head]);
  } else if (style === 'rebase') {
    const rebased = rebase(bare, baseSha, head);
    if (rebased.type === 'conflict') return rebased;
    sha = rebased.sha;
  } else {
    const merged = mergeTree(bare, baseSha, head);
    if (merged.type === 'conflict') return merged;
    const parents = style === 'merge' ? ['-p', baseSha, '-p', head] : ['-p', baseSha];
    sha = git(bare, ['commit-tree', merged.tree, ...parents, '-m', message]);
  }
  git(bare, ['update-ref', `refs/heads/${base}`, sha, baseSha]);
  return { type: 'merged', sha };
}

function isAncestor(bare: string, ancestor: string, descendant: string): boolean {
  try {
    git(bare, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}

function mergeTree(bare: string, baseSha: string, head: string): { type: 'tree'; tree: string } | { type: 'conflict'; stderr: string } {
  try {
    return { type: 'tree', tree: git(bare, ['merge-tree', '--write-tree', '--name-only', baseSha, head]).split('\n')[0] ?? '' };
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout;
    const out = typeof stdout === 'string' ? stdout : '';
    return {
      type: 'conflict',
      stderr: `CONFLICT (content): Merge conflict in ${out.split('\n').slice(1).filter(Boolean).join(', ') || 'the tree'}`,
    };
  }
}

/** Replay `head`'s commits onto `baseSha` in a throw-away worktree (Gitea rebases in a temporary clone). */
function rebase(bare: string, baseSha: string, head: string): GitMerge {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitea-standin-rebase-'));
  try {
    git(bare, ['worktree', 'add', '--detach', '--quiet', dir, head]);
    try {
      git(dir, ['rebase', '--quiet', baseSha]);
    } catch (error) {
      const stdout = (error as { stdout?: unknown }).stdout;
      return { type: 'conflict', stderr: `CONFLICT (rebase): ${typeof stdout === 'string' ? stdout.trim().split('\n').slice(0, 3).join(' ') : 'the rebase stopped'}` };
    }
    return { type: 'merged', sha: git(dir, ['rev-parse', 'HEAD']) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    git(bare, ['worktree', 'prune']);
  }
}
