import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCommand } from '../../adapters/git/git-command.ts';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { mergeToDefault } from '../../adapters/git/merge-to-default.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import { DEFAULT_GIT_POLICY } from '../../core/config/git-policy-schema.ts';
import { createGitRemote, git, isolatedGitEnv, pushCommit, remoteSha } from '../support/git-fixtures.ts';
import { describeWorkspaceContract } from './workspace.contract.ts';

function projectFor(cloneUrl: string, overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  return {
    id: 'SHOP',
    repo: 'acme/shop',
    cloneUrl,
    defaultBranch: 'main',
    chatId: '-100123',
    approvers: [111],
    agents: { default: 'true' },
    agentRunner: { type: 'process' },
    stages: ['analysis', 'development', 'review', 'testing'],
    git: DEFAULT_GIT_POLICY,
    ...overrides,
  };
}

async function setup(overrides: Partial<ProjectConfig> = {}) {
  const remote = await createGitRemote();
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-work-'));
  // An empty HOME: the workspace must not rely on a global git identity or config.
  const env = await isolatedGitEnv();
  const workspace = new GitWorkspace({ workdir, env });
  return {
    workspace,
    workdir,
    remote: remote.remote,
    project: projectFor(remote.remote, overrides),
    cleanup: async () => {
      await remote.cleanup();
      await rm(workdir, { recursive: true, force: true });
      await rm(env.HOME!, { recursive: true, force: true });
    },
  };
}

describeWorkspaceContract('GitWorkspace', () => setup());

describe('GitWorkspace specifics', () => {
  let f: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    f = await setup();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('keeps one bare mirror per project and one worktree per task under the workdir', async () => {
    const wt = await f.workspace.prepare(f.project, 'SHOP-1');
    const root = await import('node:fs/promises').then((fs) => fs.realpath(f.workdir));
    expect(wt.path).toBe(path.join(root, 'worktrees', 'SHOP', 'SHOP-1'));
    const mirror = path.join(root, 'mirrors', 'SHOP.git');
    expect(await git(mirror, ['rev-parse', '--is-bare-repository'])).toBe('true');
    expect(await git(mirror, ['rev-parse', 'refs/remotes/origin/main'])).toBe(wt.headSha);
  });

  it('commits as Conveyor without any global git identity', async () => {
    await f.workspace.prepare(f.project, 'SHOP-1');
    await f.workspace.writeFile(f.project, 'SHOP-1', 'a.txt', 'a\n');
    await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
    expect(await git(f.remote, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', 'refs/heads/task/SHOP-1'])).toBe(
      'Conveyor <conveyor@localhost>|Conveyor <conveyor@localhost>',
    );
  });

  it('does not overwrite a task branch someone else moved since the last fetch (force-with-lease)', async () => {
    await f.workspace.prepare(f.project, 'SHOP-1');
    await f.workspace.writeFile(f.project, 'SHOP-1', 'a.txt', 'a\n');
    await f.workspace.commitAndPush(f.project, 'SHOP-1', 'ours');
    const theirs = await pushCommit(f.remote, 'task/SHOP-1', { 'b.txt': 'b\n' }, 'theirs');
    await f.workspace.writeFile(f.project, 'SHOP-1', 'c.txt', 'c\n');
    await expect(f.workspace.commitAndPush(f.project, 'SHOP-1', 'ours again')).rejects.toBeInstanceOf(RetryableError);
    expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(theirs);
  });

  it('treats a default branch that moved between fetch and push as needing a rebase', async () => {
    const wt = await f.workspace.prepare(f.project, 'SHOP-1');
    await f.workspace.writeFile(f.project, 'SHOP-1', 'feature.txt', 'done\n');
    await f.workspace.commitAndPush(f.project, 'SHOP-1', 'feature');
    // The mirror has not fetched this commit: its origin/main is stale, as after a lost race.
    const moved = await pushCommit(f.remote, 'main', { 'other.txt': 'other\n' }, 'other');
    const command = new GitCommand({ env: { PATH: process.env.PATH }, blockTimeoutMs: 30_000 });
    const root = path.dirname(path.dirname(path.dirname(wt.path)));
    let refetches = 0;
    const outcome = await mergeToDefault(
      command,
      { projectId: 'SHOP', taskId: 'SHOP-1', defaultBranch: 'main', branch: 'task/SHOP-1', worktree: wt.path, mirror: path.join(root, 'mirrors', 'SHOP.git') },
      { title: 'SHOP-1: Add a feature', method: 'squash' },
      async () => {
        refetches += 1;
        await git(path.join(root, 'mirrors', 'SHOP.git'), ['fetch', '--quiet', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
      },
    );
    expect(refetches).toBe(1);
    expect(outcome.type).toBe('rebased');
    expect(await remoteSha(f.remote, 'main')).toBe(moved);
    if (outcome.type === 'rebased') expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(outcome.headSha);
  });

  it('recovers a worktree left mid-rebase or on another branch', async () => {
    const wt = await f.workspace.prepare(f.project, 'SHOP-1');
    await f.workspace.writeFile(f.project, 'SHOP-1', 'src/app.txt', 'ours\n');
    const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'ours');
    await pushCommit(f.remote, 'main', { 'src/app.txt': 'theirs\n' }, 'theirs');
    await f.workspace.prepare(f.project, 'SHOP-1');
    await expect(git(wt.path, ['rebase', 'origin/main'])).rejects.toThrow();
    const again = await f.workspace.prepare(f.project, 'SHOP-1');
    expect(again.headSha).toBe(pushed.headSha);
    expect(await git(wt.path, ['status', '--porcelain'])).toBe('');

    await git(wt.path, ['checkout', '--quiet', '-b', 'agent-experiment']);
    expect((await f.workspace.prepare(f.project, 'SHOP-1')).branch).toBe('task/SHOP-1');
    expect(await git(wt.path, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/task/SHOP-1');
  });

  it('refuses symlinks that lead outside the worktree', async () => {
    const wt = await f.workspace.prepare(f.project, 'SHOP-1');
    const outside = await mkdtemp(path.join(os.tmpdir(), 'conveyor-outside-'));
    try {
      await symlink(outside, path.join(wt.path, 'escape'));
      await symlink('/etc/hostname', path.join(wt.path, 'host'));
      await symlink(path.join(outside, 'nothing-here'), path.join(wt.path, 'dangling'));
      await expect(f.workspace.readFile(f.project, 'SHOP-1', 'escape/x.md')).rejects.toBeInstanceOf(PermanentError);
      await expect(f.workspace.writeFile(f.project, 'SHOP-1', 'escape/x.md', 'x')).rejects.toBeInstanceOf(PermanentError);
      await expect(f.workspace.readFile(f.project, 'SHOP-1', 'host')).rejects.toBeInstanceOf(PermanentError);
      await expect(f.workspace.writeFile(f.project, 'SHOP-1', 'dangling', 'x')).rejects.toBeInstanceOf(PermanentError);
      expect(await stat(path.join(outside, 'x.md')).catch(() => null)).toBeNull();
      expect(await stat(path.join(outside, 'nothing-here')).catch(() => null)).toBeNull();
      await expect(f.workspace.writeFile(f.project, 'SHOP-1', '.git/config', 'x')).rejects.toBeInstanceOf(PermanentError);
      // A link that stays inside is fine.
      await symlink('README.md', path.join(wt.path, 'readme-link'));
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'readme-link')).toBe('# Demo shop\n');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses unsafe task ids and files of a task that was never prepared', async () => {
    await expect(f.workspace.prepare(f.project, '../etc')).rejects.toBeInstanceOf(PermanentError);
    await expect(f.workspace.prepare(f.project, 'SHOP 1')).rejects.toBeInstanceOf(PermanentError);
    await expect(f.workspace.commitAndPush(f.project, 'SHOP-9', 'x')).rejects.toThrow(/prepare it first/);
  });

  it('fails permanently for a clone URL that does not exist, naming the mirror', async () => {
    const project = projectFor(path.join(f.workdir, 'no-such-remote.git'));
    const failure = f.workspace.prepare(project, 'SHOP-1');
    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toThrow(/cloning mirror SHOP/);
  });

  it('fails permanently when the default branch is missing on the remote', async () => {
    const project = projectFor(f.remote, { defaultBranch: 'trunk' });
    await expect(f.workspace.prepare(project, 'SHOP-1')).rejects.toThrow(PermanentError);
    await expect(f.workspace.prepare(project, 'SHOP-1')).rejects.toThrow(/default branch trunk/);
  });

  it('never puts URL credentials into error messages', async () => {
    const project = projectFor('https://deploy:s3cr3t-token@127.0.0.1:9/acme/shop.git');
    const error = await f.workspace.prepare(project, 'SHOP-1').then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/cloning mirror SHOP/);
    expect(error!.message).not.toContain('s3cr3t-token');
    expect(error).toBeInstanceOf(RetryableError);
  });
});
