/**
 * Backing a stand-in repository with a real bare git repository (tests of the merge gate): branch
 * heads are read from it, and the merge API makes a real merge commit on it as Gitea's `merge`
 * style does (`--no-ff`), or reports git's conflict. Synchronous on purpose: the stand-in's state
 * is plain in-memory code; the repositories are small.
 */
import { execFileSync } from 'node:child_process';

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

/** Merge `head` into branch `base` (currently at `baseSha`) with a merge commit; moves `base` only if it did not move meanwhile. */
export function gitMergeCommit(
  bare: string,
  base: string,
  baseSha: string,
  head: string,
  message: string,
): GitMerge {
  let tree: string;
  try {
    tree = git(bare, ['merge-tree', '--write-tree', '--name-only', baseSha, head]).split('\n')[0] ?? '';
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout;
    const out = typeof stdout === 'string' ? stdout : '';
    return {
      type: 'conflict',
      stderr: `CONFLICT (content): Merge conflict in ${out.split('\n').slice(1).filter(Boolean).join(', ') || 'the tree'}`,
    };
  }
  const sha = git(bare, ['commit-tree', tree, '-p', baseSha, '-p', head, '-m', message]);
  git(bare, ['update-ref', `refs/heads/${base}`, sha, baseSha]);
  return { type: 'merged', sha };
}
