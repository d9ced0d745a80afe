/**
 * A workdir from before agent isolation holds worktrees (0755) and task files (0644) any local
 * user could read. The first workspace operation and the first task file written close them
 * (ADR 0015), so an agent running as another user does not find them open after an upgrade.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunFiles } from '../../adapters/agents/file-run-files.ts';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { DEFAULT_GIT_POLICY } from '../../core/config/git-policy-schema.ts';
import { createGitRemote, isolatedGitEnv, type GitRemote } from '../support/git-fixtures.ts';

let workdir: string;
let remote: GitRemote;
let env: Record<string, string>;
beforeEach(async () => {
  workdir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-upgrade-'));
  remote = await createGitRemote();
  env = await isolatedGitEnv();
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
  await remote.cleanup();
  await rm(env.HOME!, { recursive: true, force: true });
});

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('modes of a workdir from an earlier release', () => {
  it('closes old worktrees, task files and the directories above them', async () => {
    await mkdir(path.join(workdir, 'worktrees', 'SHOP', 'SHOP-1'), { recursive: true, mode: 0o755 });
    await mkdir(path.join(workdir, 'runs', 'SHOP-1'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(workdir, 'runs', 'SHOP-1', 'analyst-1.task.md'), 'old task\n', { mode: 0o644 });

    const project = { id: 'SHOP', repo: 'acme/shop', cloneUrl: remote.remote, defaultBranch: 'main', chatId: '-1', approvers: [1], agents: { default: 'true' }, agentRunner: { type: 'process' as const }, stages: ['analysis' as const, 'development' as const], git: DEFAULT_GIT_POLICY };
    await new GitWorkspace({ workdir, env }).prepare(project, 'SHOP-2');
    await new FileRunFiles({ workdir }).writeTaskFile('SHOP-2', 'analyst', 1, 'new task\n');

    expect(await modeOf(workdir)).toBe(0o711);
    expect(await modeOf(path.join(workdir, 'mirrors'))).toBe(0o700);
    expect(await modeOf(path.join(workdir, 'logs'))).toBe(0o700);
    expect(await modeOf(path.join(workdir, 'worktrees', 'SHOP'))).toBe(0o711);
    expect(await modeOf(path.join(workdir, 'worktrees', 'SHOP', 'SHOP-1'))).toBe(0o700);
    expect(await modeOf(path.join(workdir, 'worktrees', 'SHOP', 'SHOP-2'))).toBe(0o700);
    expect(await modeOf(path.join(workdir, 'runs', 'SHOP-1'))).toBe(0o711);
    expect(await modeOf(path.join(workdir, 'runs', 'SHOP-1', 'analyst-1.task.md'))).toBe(0o600);
    expect(await modeOf(path.join(workdir, 'runs', 'SHOP-2', 'analyst-1.task.md'))).toBe(0o600);
  });
});
