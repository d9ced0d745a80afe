/**
 * Forge stand-ins' repositories are real bare git repositories: branch heads are read from them (a
 * push there is a push to the forge) and the merge API writes real commits for each merge method —
 * a merge commit, one squashed commit, or the head's commits replayed onto the base — or reports
 * that the branches do not merge. Synchronous on purpose: the repositories are small and the
 * stand-ins' state is plain in-memory code. Commits are made as `identity` (the forge's bot).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
};

/** Who the forge commits as. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

const GITHUB: GitIdentity = { name: 'GitHub', email: 'noreply@github.com' };

function git(cwd: string, args: readonly string[], who: GitIdentity = GITHUB): string {
  const env = { ...ENV, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
  return execFileSync('git', [...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Branch name → head sha, as the bare repository has them now. */
export function gitHeads(bare: string): Map<string, string> {
  const out = git(bare, ['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/']);
  return new Map(out.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
}

/** True when `ancestor` is reachable from `descendant`. */
export function isAncestor(bare: string, ancestor: string, descendant: string): boolean {
  try {
    git(bare, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}

/** Number of commits on `head` that `base` lacks. */
export function commitsAhead(bare: string, base: string, head: string): number {
  return Number(git(bare, ['rev-list', '--count', `${base}..${head}`]));
}

/** The tree of merging `head` into `base`, or null when they conflict. */
export function mergeTree(bare: string, base: string, head: string): string | null {
  try {
    return git(bare, ['merge-tree', '--write-tree', '--name-only', base, head]).split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

/** What a merge came to: the new base head, or a conflict. */
export type GitMergeResult = { readonly type: 'merged'; readonly sha: string } | { readonly type: 'conflict' };

/** Merge `head` into `branch` (at `baseSha`) with `method`; moves the branch only if it did not move. */
export function gitMerge(bare: string, branch: string, baseSha: string, head: string, method: 'merge' | 'squash' | 'rebase', message: string, who: GitIdentity = GITHUB): GitMergeResult {
  if (method === 'rebase') return rebase(bare, branch, baseSha, head, who);
  const tree = mergeTree(bare, baseSha, head);
  if (!tree) return { type: 'conflict' };
  const parents = method === 'merge' ? ['-p', baseSha, '-p', head] : ['-p', baseSha];
  const sha = git(bare, ['commit-tree', tree, ...parents, '-m', message], who);
  git(bare, ['update-ref', `refs/heads/${branch}`, sha, baseSha]);
  return { type: 'merged', sha };
}

/** A rebase merge: every commit of `head` replayed onto the base, the base fast-forwarded. */
function rebase(bare: string, branch: string, baseSha: string, head: string, who: GitIdentity): GitMergeResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'github-standin-rebase-'));
  try {
    git(bare, ['worktree', 'add', '--detach', dir, head]);
    try {
      git(dir, ['rebase', '--force-rebase', baseSha], who);
    } catch {
      return { type: 'conflict' };
    }
    const sha = git(dir, ['rev-parse', 'HEAD']);
    git(bare, ['update-ref', `refs/heads/${branch}`, sha, baseSha]);
    return { type: 'merged', sha };
  } finally {
    try {
      git(bare, ['worktree', 'remove', '--force', dir]);
    } catch {
      // Best effort: the directory goes below either way.
    }
    rmSync(dir, { recursive: true, force: true });
    git(bare, ['worktree', 'prune']);
  }
}
