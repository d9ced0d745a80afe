/**
 * Forge stand-ins' repositories are real bare git repositories: branch heads are read from them (a
 * push there is a push to the forge) and the merge API writes real commits for each merge style —
 * a merge commit, one squashed commit, the head's commits replayed onto the base, or the head
 * itself (fast-forward) — or reports git's conflict. One implementation for every forge stand-in;
 * each commits as its own bot (`identity`). Synchronous on purpose: the repositories are small and
 * the stand-ins' state is plain in-memory code.
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

function git(cwd: string, args: readonly string[], who?: GitIdentity): string {
  const env = who ? { ...ENV, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email } : ENV;
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
  const merged = writeMergeTree(bare, base, head);
  return merged.type === 'tree' ? merged.tree : null;
}

/** What a merge came to: the new base head, or git's conflict (its words, as the forge reports them). */
export type GitMergeResult = { readonly type: 'merged'; readonly sha: string } | { readonly type: 'conflict'; readonly stderr: string };

/** The merge styles the stand-ins apply for real (GitHub's methods are the first three). */
export type GitMergeStyle = 'merge' | 'squash' | 'rebase' | 'fast-forward-only';

/** One merge of `head` into `branch` (currently at `baseSha`). */
export interface GitMergeInput {
  readonly branch: string;
  readonly baseSha: string;
  readonly head: string;
  readonly style: GitMergeStyle;
  /** The commit message (merge and squash styles). */
  readonly message: string;
  /** Who the forge commits as. */
  readonly identity: GitIdentity;
  /**
   * `rebase` replays the head's commits even when the head already contains the base (GitHub's
   * rebase-and-merge always writes new commits); otherwise such a head lands as it is (Gitea).
   */
  readonly alwaysReplay?: boolean;
}

/**
 * Merge as the forge's style does: `merge` a merge commit (`--no-ff`), `squash` one commit of the
 * merged tree on top of the base, `rebase` the head's commits replayed onto the base,
 * `fast-forward-only` the head itself or a refusal. Moves the branch only if it did not move.
 */
export function gitMerge(bare: string, input: GitMergeInput): GitMergeResult {
  const { branch, baseSha, head, style, message, identity } = input;
  let sha: string;
  if (style === 'fast-forward-only' || (style === 'rebase' && !input.alwaysReplay && isAncestor(bare, baseSha, head))) {
    if (!isAncestor(bare, baseSha, head)) return { type: 'conflict', stderr: 'fatal: Not possible to fast-forward, aborting.' };
    sha = git(bare, ['rev-parse', head]);
  } else if (style === 'rebase') {
    const rebased = rebase(bare, baseSha, head, identity);
    if (rebased.type === 'conflict') return rebased;
    sha = rebased.sha;
  } else {
    const merged = writeMergeTree(bare, baseSha, head);
    if (merged.type === 'conflict') return merged;
    const parents = style === 'merge' ? ['-p', baseSha, '-p', head] : ['-p', baseSha];
    sha = git(bare, ['commit-tree', merged.tree, ...parents, '-m', message], identity);
  }
  git(bare, ['update-ref', `refs/heads/${branch}`, sha, baseSha]);
  return { type: 'merged', sha };
}

function writeMergeTree(bare: string, base: string, head: string): { type: 'tree'; tree: string } | { type: 'conflict'; stderr: string } {
  try {
    return { type: 'tree', tree: git(bare, ['merge-tree', '--write-tree', '--name-only', base, head]).split('\n')[0] ?? '' };
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout;
    const out = typeof stdout === 'string' ? stdout : '';
    return { type: 'conflict', stderr: `CONFLICT (content): Merge conflict in ${out.split('\n').slice(1).filter(Boolean).join(', ') || 'the tree'}` };
  }
}

/** Replay `head`'s commits onto `baseSha` in a throw-away worktree (forges rebase in a temporary clone). */
function rebase(bare: string, baseSha: string, head: string, identity: GitIdentity): GitMergeResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'forge-standin-rebase-'));
  try {
    git(bare, ['worktree', 'add', '--detach', '--quiet', dir, head]);
    try {
      git(dir, ['rebase', '--quiet', '--force-rebase', baseSha], identity);
    } catch (error) {
      const stdout = (error as { stdout?: unknown }).stdout;
      return { type: 'conflict', stderr: `CONFLICT (rebase): ${typeof stdout === 'string' ? stdout.trim().split('\n').slice(0, 3).join(' ') : 'the rebase stopped'}` };
    }
    return { type: 'merged', sha: git(dir, ['rev-parse', 'HEAD']) };
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
