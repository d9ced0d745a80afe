/**
 * A worktree is the agent's for the length of a run, `.git` file included. An agent that points
 * `.git` at a repository of its own making, whose config runs a command (core.fsmonitor, a
 * post-commit hook), must not get that command run by Conveyor's next git operation, and
 * Conveyor must still commit the agent's work to the real task branch (ADR 0015). Also: a
 * worktree owned by another uid (as during and after an isolated run) is no "dubious ownership"
 * for Conveyor's git.
 */
import { chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { DEFAULT_GIT_POLICY } from '../../core/config/git-policy-schema.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { createGitRemote, git, isolatedGitEnv, type GitRemote } from '../support/git-fixtures.ts';

let remote: GitRemote;
let workdir: string;
let env: Record<string, string>;
let project: ProjectConfig;

beforeEach(async () => {
  remote = await createGitRemote();
  workdir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-trust-'));
  env = await isolatedGitEnv();
  project = {
    id: 'SHOP',
    repo: 'acme/shop',
    cloneUrl: remote.remote,
    defaultBranch: 'main',
    chatId: '-1',
    approvers: [1],
    agents: { default: 'true' },
    agentRunner: { type: 'process' },
    stages: ['analysis', 'development'],
    git: DEFAULT_GIT_POLICY,
  };
});
afterEach(async () => {
  await remote.cleanup();
  await rm(workdir, { recursive: true, force: true });
  await rm(env.HOME!, { recursive: true, force: true });
});

describe('git in a worktree the agent had', () => {
  it('never follows a rewritten .git file, and commits the work to the real branch', async () => {
    const workspace = new GitWorkspace({ workdir, env });
    const worktree = await workspace.prepare(project, 'SHOP-1');
    const marker = path.join(workdir, 'agent-command-ran');
    // The agent's own repository, outside the worktree (an embedded one would be a gitlink).
    const evil = path.join(workdir, 'evil');
    await git(workdir, ['init', '--quiet', evil]);
    await git(evil, ['symbolic-ref', 'HEAD', 'refs/heads/task/SHOP-1']);
    await git(evil, ['config', 'core.fsmonitor', `sh -c 'touch ${marker}; exit 1'`]);
    await git(evil, ['config', 'core.hooksPath', path.join(evil, 'hooks')]);
    await mkdir(path.join(evil, 'hooks'));
    await writeFile(path.join(evil, 'hooks', 'post-commit'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    await writeFile(path.join(worktree.path, '.git'), `gitdir: ${path.join(evil, '.git')}\n`);
    await writeFile(path.join(worktree.path, 'work.txt'), 'the agent did this\n');

    const pushed = await workspace.commitAndPush(project, 'SHOP-1', 'SHOP-1 developer: attempt 1').catch((error: unknown) => error);

    expect(await stat(marker).catch(() => null), 'the agent-made repository ran a command').toBeNull();
    expect(pushed).toMatchObject({ committed: true });
    expect(await git(remote.remote, ['show', 'task/SHOP-1:work.txt'])).toBe('the agent did this');
  });

  it.skipIf(process.geteuid?.() !== 0)('works in a worktree owned by another uid (no dubious ownership)', async () => {
    const workspace = new GitWorkspace({ workdir, env });
    const worktree = await workspace.prepare(project, 'SHOP-2');
    await writeFile(path.join(worktree.path, 'agent.txt'), 'written as 1001\n');
    await chown(worktree.path, 1001, 1001);
    await chown(path.join(worktree.path, 'agent.txt'), 1001, 1001);

    const pushed = await workspace.commitAndPush(project, 'SHOP-2', 'SHOP-2 developer: attempt 1');

    expect(pushed.committed).toBe(true);
    expect(await git(remote.remote, ['show', 'task/SHOP-2:agent.txt'])).toBe('written as 1001');
  });
});
