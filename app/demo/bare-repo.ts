/**
 * What the demo's Gitea does to its real (bare) repository: read heads and commits, export a
 * commit's tree for CI, and merge a pull request as Gitea's `merge` style does — a merge commit on
 * the base branch (git merge-tree --write-tree, git ≥ 2.38), moved only if the base is unchanged.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PayloadCommit } from './gitea-payloads.ts';

const run = promisify(execFile);
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Gitea (demo)',
  GIT_AUTHOR_EMAIL: 'gitea@demo.localhost',
  GIT_COMMITTER_NAME: 'Gitea (demo)',
  GIT_COMMITTER_EMAIL: 'gitea@demo.localhost',
};
export const ZERO_SHA = '0'.repeat(40);

async function git(bare: string, args: readonly string[], options: { input?: Buffer } = {}): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: bare,
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    ...IDENTITY,
  };
  const { stdout } = await run('git', ['--git-dir', bare, ...args], {
    env,
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'buffer',
    ...options,
  });
  return stdout.toString('utf8').trim();
}

/** The commit a branch points at, or null. */
export async function branchHead(bare: string, branch: string): Promise<string | null> {
  try {
    return await git(bare, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
  } catch {
    return null;
  }
}

/** Commits a push brought, newest first: `before..after`, or for a new branch those not on `base`. */
export async function pushedCommits(
  bare: string,
  before: string,
  after: string,
  base: string,
): Promise<PayloadCommit[]> {
  const range = before === ZERO_SHA ? [after, `^refs/heads/${base}`] : [`${before}..${after}`];
  const out = await git(bare, [
    'log',
    '--max-count=20',
    '--format=%H%x1f%s%x1f%an%x1f%ae%x1f%cI%x1e',
    ...range,
    '--',
  ]);
  return out
    .split('\x1e')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', message = '', authorName = '', authorEmail = '', timestamp = ''] = line.split('\x1f');
      return { id, message, authorName, authorEmail, timestamp };
    });
}

/** One commit for a status payload. */
export async function commitOf(bare: string, sha: string): Promise<PayloadCommit> {
  const [commit] = await pushedCommits(bare, `${sha}^`, sha, '').catch(() => []);
  return commit ?? { id: sha, message: '', authorName: '', authorEmail: '', timestamp: '' };
}

/** A fresh directory holding the tree of `sha` (what a CI runner checks out). */
export async function exportTree(bare: string, sha: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-demo-ci-'));
  const archive = spawn('git', ['--git-dir', bare, 'archive', '--format=tar', sha], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  archive.stdout.pipe(tar.stdin);
  const exit = (child: ChildProcess, name: string) =>
    new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`)),
      );
    });
  await Promise.all([exit(archive, 'git archive'), exit(tar, 'tar')]);
  return dir;
}
