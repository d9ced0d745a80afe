/**
 * Any job on any worker (ADR 0055): two machines, each with its own ORCH_WORKDIR, share one real
 * bare remote. A task whose earlier jobs ran on the first machine gets its worktree rebuilt on the
 * second at the pushed head — by `prepare`, and by the operations that write into the worktree
 * without preparing it (a deploy or staging report, the merge) — and a branch never pushed
 * starts from the default branch.
 */
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { DEFAULT_GIT_POLICY } from '../../core/config/git-policy-schema.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { createGitRemote, git, isolatedGitEnv, remoteSha, type GitRemote } from '../support/git-fixtures.ts';

interface Machine {
  readonly workdir: string;
  readonly workspace: GitWorkspace;
}

let remote: GitRemote;
let project: ProjectConfig;
let machines: Machine[] = [];
let home = '';

async function machine(env: Record<string, string>): Promise<Machine> {
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-machine-'));
  const m = { workdir, workspace: new GitWorkspace({ workdir, env }) };
  machines.push(m);
  return m;
}

beforeEach(async () => {
  remote = await createGitRemote();
  project = {
    id: 'SHOP',
    repo: 'acme/shop',
    cloneUrl: remote.remote,
    defaultBranch: 'main',
    chatId: '-100123',
    approvers: [111],
    agents: { default: 'true' },
    agentRunner: { type: 'process' },
    stages: ['analysis', 'development'],
    git: DEFAULT_GIT_POLICY,
  };
});

afterEach(async () => {
  for (const m of machines) await rm(m.workdir, { recursive: true, force: true });
  machines = [];
  await remote.cleanup();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('a task worktree on a second machine', () => {
  it('is rebuilt from the pushed task branch at its head, by prepare', async () => {
    const env = await isolatedGitEnv();
    home = env.HOME ?? '';
    const first = await machine(env);
    const second = await machine(env);
    await first.workspace.prepare(project, 'SHOP-1');
    await first.workspace.writeFile(project, 'SHOP-1', 'src/feature.txt', 'from the first machine\n');
    const pushed = await first.workspace.commitAndPush(project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
    expect(await remoteSha(remote.remote, 'task/SHOP-1')).toBe(pushed.headSha);

    const rebuilt = await second.workspace.prepare(project, 'SHOP-1');
    expect(rebuilt.headSha).toBe(pushed.headSha);
    expect(rebuilt.path.startsWith(await realWorkdir(second))).toBe(true);
    expect(await readFile(path.join(rebuilt.path, 'src/feature.txt'), 'utf8')).toBe('from the first machine\n');
    expect(await git(rebuilt.path, ['symbolic-ref', '--short', 'HEAD'])).toBe('task/SHOP-1');
  });

  it('is rebuilt before a report is written and pushed without prepare (deploy, staging)', async () => {
    const env = await isolatedGitEnv();
    home = env.HOME ?? '';
    const first = await machine(env);
    const second = await machine(env);
    await first.workspace.prepare(project, 'SHOP-2');
    await first.workspace.writeFile(project, 'SHOP-2', 'src/feature.txt', 'work\n');
    const pushed = await first.workspace.commitAndPush(project, 'SHOP-2', 'SHOP-2 developer: attempt 1');

    await second.workspace.writeFile(project, 'SHOP-2', '.conveyor/SHOP-2/15-deploy-report.md', 'deployed\n');
    const report = await second.workspace.commitAndPush(project, 'SHOP-2', 'SHOP-2 deploy: report');
    expect(report.committed).toBe(true);
    // The report sits on top of the first machine's work: nothing of it was lost.
    expect(await git(remote.remote, ['rev-parse', `${report.headSha}^`])).toBe(pushed.headSha);
    expect(await remoteSha(remote.remote, 'task/SHOP-2')).toBe(report.headSha);
    expect(await git(remote.remote, ['show', `${report.headSha}:src/feature.txt`])).toBe('work');
  });

  it('starts from the default branch when the task branch was never pushed', async () => {
    const env = await isolatedGitEnv();
    home = env.HOME ?? '';
    const second = await machine(env);
    const main = await remoteSha(remote.remote, 'main');
    const fresh = await second.workspace.prepare(project, 'SHOP-3');
    expect(fresh.headSha).toBe(main);
    expect(await git(fresh.path, ['symbolic-ref', '--short', 'HEAD'])).toBe('task/SHOP-3');
  });
});

async function realWorkdir(m: Machine): Promise<string> {
  return realpath(m.workdir);
}
