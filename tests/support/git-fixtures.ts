/**
 * Real git remotes for tests: a bare repository in os.tmpdir() seeded with one commit on `main`,
 * plus helpers that act like another person pushing to it. Every command runs with an explicit
 * identity and no global or system config, so nothing depends on the machine's git setup.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Environment with a fresh empty HOME (no global identity or config); the caller removes HOME. */
export async function isolatedGitEnv(): Promise<Record<string, string>> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'conveyor-home-'));
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };
}

const FIXTURE_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: os.tmpdir(),
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
};

/** Run git with the fixture identity and no global config; resolves with trimmed stdout. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@localhost', ...args], { cwd, env: FIXTURE_ENV });
  return stdout.trim();
}

/** A temporary bare remote. */
export interface GitRemote {
  /** Absolute path of the bare repository (usable as a cloneUrl). */
  readonly remote: string;
  /** Directory holding the remote and scratch clones. */
  readonly root: string;
  cleanup(): Promise<void>;
}

/** Create a bare remote whose `main` holds one commit with README.md and src/app.txt. */
export async function createGitRemote(name = 'origin'): Promise<GitRemote> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'conveyor-git-'));
  const remote = path.join(root, `${name}.git`);
  await git(root, ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  await pushCommit(remote, 'main', { 'README.md': '# Demo shop\n', 'src/app.txt': 'line 1\nline 2\nline 3\n' }, 'Initial commit');
  return { remote, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Commit `files` on `branch` of `remote` from a scratch clone and push it, as another person
 * would. A branch missing on the remote starts from `from` (default main). Returns the new sha.
 */
export async function pushCommit(remote: string, branch: string, files: Record<string, string>, message: string, from = 'main'): Promise<string> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'conveyor-scratch-'));
  try {
    await git(scratch, ['init', '--quiet', '--initial-branch=main']);
    await git(scratch, ['remote', 'add', 'origin', remote]);
    const heads = await git(remote, ['for-each-ref', '--format=%(refname:strip=2)', 'refs/heads/']);
    const existing = heads.split('\n');
    const start = existing.includes(branch) ? branch : existing.includes(from) ? from : null;
    if (start) {
      await git(scratch, ['fetch', '--quiet', 'origin', `refs/heads/${start}:refs/remotes/origin/${start}`]);
      await git(scratch, ['checkout', '--quiet', '-B', branch, `origin/${start}`]);
    } else {
      await git(scratch, ['checkout', '--quiet', '-B', branch]);
    }
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
      await writeFile(path.join(scratch, file), content);
    }
    await git(scratch, ['add', '-A']);
    await git(scratch, ['commit', '--quiet', '-m', message]);
    await git(scratch, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    return await git(scratch, ['rev-parse', 'HEAD']);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The sha of `branch` on `remote`, or null when the branch does not exist. */
export async function remoteSha(remote: string, branch: string): Promise<string | null> {
  const line = await git(remote, ['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
  return line ? (line.split(/\s+/)[0] ?? null) : null;
}

/** A file's content on `branch` of `remote`, or null when absent. */
export async function remoteFile(remote: string, branch: string, file: string): Promise<string | null> {
  try {
    return await git(remote, ['show', `refs/heads/${branch}:${file}`]);
  } catch {
    return null;
  }
}

/** The commit subjects on `branch` of `remote`, newest first. */
export async function remoteLog(remote: string, branch: string): Promise<string[]> {
  const out = await git(remote, ['log', '--format=%s', `refs/heads/${branch}`]);
  return out ? out.split('\n') : [];
}
