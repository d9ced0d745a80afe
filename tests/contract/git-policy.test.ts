/**
 * The git policy on real repositories (ADR 0037, 0038): each merge method's history shape on main,
 * the tree that lands equal to the tested head's tree, the project's commit identity, SSH signing
 * verified by git itself, and the guards (a default branch that moved is never overwritten).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { DEFAULT_GIT_POLICY, type GitPolicy } from '../../core/config/git-policy-schema.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { createGitRemote, git, isolatedGitEnv, pushCommit, remoteLog, remoteSha } from '../support/git-fixtures.ts';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(policy: Partial<GitPolicy> = {}) {
  const remote = await createGitRemote();
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-policy-'));
  const env = await isolatedGitEnv();
  cleanups.push(() => remote.cleanup(), () => rm(workdir, { recursive: true, force: true }), () => rm(env.HOME!, { recursive: true, force: true }));
  const project: ProjectConfig = {
    id: 'SHOP',
    repo: 'acme/shop',
    cloneUrl: remote.remote,
    defaultBranch: 'main',
    chatId: '-100123',
    approvers: [111],
    agents: { default: 'true' },
    agentRunner: { type: 'process' },
    stages: ['analysis', 'development'],
    git: { ...DEFAULT_GIT_POLICY, ...policy },
  };
  const workspace = new GitWorkspace({ workdir, env });
  return { remote: remote.remote, workspace, project, root: remote.root };
}

type World = Awaited<ReturnType<typeof setup>>;

/** Two attempt commits on task/SHOP-1, caught up as the merge gate does; returns the tested head. */
async function twoAttempts({ workspace, project }: World): Promise<string> {
  await workspace.prepare(project, 'SHOP-1');
  await workspace.writeFile(project, 'SHOP-1', 'cart.txt', 'cart\n');
  await workspace.commitAndPush(project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
  await workspace.writeFile(project, 'SHOP-1', 'cart.txt', 'cart with coupons\n');
  await workspace.commitAndPush(project, 'SHOP-1', 'SHOP-1 developer: attempt 2');
  const caught = await workspace.catchUp(project, 'SHOP-1');
  if (caught.type !== 'current') throw new Error(`expected a current branch: ${JSON.stringify(caught)}`);
  return caught.headSha;
}

const tree = (remote: string, rev: string) => git(remote, ['rev-parse', `${rev}^{tree}`]);
const parents = async (remote: string, rev: string) => (await git(remote, ['rev-list', '--parents', '-n', '1', rev])).split(' ').slice(1);
const show = (remote: string, format: string, rev = 'main') => git(remote, ['show', '-s', `--format=${format}`, rev]);

describe('git policy: how a tested head lands on main', () => {
  it('squash (the default): one commit "SHOP-1: <title>" on the old main, the tested tree, listing the attempts', async () => {
    const world = await setup();
    const head = await twoAttempts(world);
    const before = await remoteSha(world.remote, 'main');
    const landed = await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart');
    const main = await remoteSha(world.remote, 'main');
    expect(landed).toEqual({ type: 'merged', sha: main });
    expect(main).not.toBe(head);
    expect(await parents(world.remote, 'main')).toEqual([before]);
    expect(await tree(world.remote, 'main')).toBe(await tree(world.remote, head));
    expect(await remoteLog(world.remote, 'main')).toEqual(['SHOP-1: Add a cart', 'Initial commit']);
    const body = await show(world.remote, '%b');
    expect(body).toMatch(/- [0-9a-f]{7,} SHOP-1 developer: attempt 1\n- [0-9a-f]{7,} SHOP-1 developer: attempt 2/);
    expect(body).toContain(`Conveyor-Tested: ${head}`);
    expect(await show(world.remote, '%an <%ae> / %cn <%ce>')).toBe('Conveyor <conveyor@localhost> / Conveyor <conveyor@localhost>');
    // A second landing (the job re-run after a crash) finds the squash commit and adds nothing.
    expect(await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart')).toEqual({ type: 'merged', sha: main });
    expect(await world.workspace.catchUp(world.project, 'SHOP-1')).toMatchObject({ type: 'current', headSha: head });
    expect(await remoteSha(world.remote, 'main')).toBe(main);
  });

  it('merge: a merge commit "Merge SHOP-1: <title>" with the old main and the tested head as parents', async () => {
    const world = await setup({ mergeMethod: 'merge' });
    const head = await twoAttempts(world);
    const before = await remoteSha(world.remote, 'main');
    const landed = await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart');
    const main = await remoteSha(world.remote, 'main');
    expect(landed).toEqual({ type: 'merged', sha: main });
    expect(await parents(world.remote, 'main')).toEqual([before, head]);
    expect(await tree(world.remote, 'main')).toBe(await tree(world.remote, head));
    expect(await show(world.remote, '%s')).toBe('Merge SHOP-1: Add a cart');
    expect(await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart')).toEqual({ type: 'merged', sha: main });
  });

  it.each(['rebase', 'fast-forward'] as const)('%s: main becomes the tested head itself, attempts and all', async (mergeMethod) => {
    const world = await setup({ mergeMethod });
    const head = await twoAttempts(world);
    expect(await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart')).toEqual({ type: 'merged', sha: head });
    expect(await remoteSha(world.remote, 'main')).toBe(head);
    expect(await remoteLog(world.remote, 'main')).toEqual(['SHOP-1 developer: attempt 2', 'SHOP-1 developer: attempt 1', 'Initial commit']);
  });

  it.each(['squash', 'merge', 'rebase', 'fast-forward'] as const)('%s: a main that moved after the re-test is never overwritten; the re-tested rebase lands', async (mergeMethod) => {
    const world = await setup({ mergeMethod });
    const head = await twoAttempts(world);
    const moved = await pushCommit(world.remote, 'main', { 'other.txt': 'other\n' }, 'other work');
    const refused = await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart');
    expect(refused).toMatchObject({ type: 'moved' });
    if (mergeMethod === 'fast-forward' && refused.type === 'moved') expect(refused.reason).toMatch(/fast-forward/);
    expect(await remoteSha(world.remote, 'main')).toBe(moved);
    const caught = await world.workspace.catchUp(world.project, 'SHOP-1');
    if (caught.type !== 'rebased') throw new Error(JSON.stringify(caught));
    const landed = await world.workspace.landOnDefault(world.project, 'SHOP-1', caught.headSha, 'Add a cart');
    if (landed.type !== 'merged') throw new Error(JSON.stringify(landed));
    expect(landed.sha).toBe(await remoteSha(world.remote, 'main'));
    expect(await tree(world.remote, 'main')).toBe(await tree(world.remote, caught.headSha));
    expect(await git(world.remote, ['merge-base', '--is-ancestor', moved, 'main'])).toBe('');
  });
});

describe('git policy: identity and signing', () => {
  it('commits attempts and the squash as the configured identity', async () => {
    const world = await setup({ authorName: 'Shop Bot', authorEmail: 'bot@acme.test' });
    const head = await twoAttempts(world);
    expect(await show(world.remote, '%an <%ae> / %cn <%ce>', head)).toBe('Shop Bot <bot@acme.test> / Shop Bot <bot@acme.test>');
    await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart');
    expect(await show(world.remote, '%an <%ae> / %cn <%ce>')).toBe('Shop Bot <bot@acme.test> / Shop Bot <bot@acme.test>');
  });

  it('signs every commit Conveyor makes with the SSH key; git verifies them against the allowed signers', async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), 'conveyor-keys-'));
    cleanups.push(() => rm(keys, { recursive: true, force: true }));
    const key = path.join(keys, 'signing');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'conveyor-test', '-f', key]);
    const signers = path.join(keys, 'allowed_signers');
    await writeFile(signers, `bot@acme.test ${(await readFile(`${key}.pub`, 'utf8')).trim()}\n`);
    const verify = (remote: string, rev: string) => git(remote, ['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', rev]);

    const world = await setup({ authorName: 'Shop Bot', authorEmail: 'bot@acme.test', signingKey: key });
    await world.workspace.prepare(world.project, 'SHOP-1');
    await world.workspace.writeFile(world.project, 'SHOP-1', 'cart.txt', 'cart\n');
    await world.workspace.commitAndPush(world.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
    // main moves: the catch-up's rebase rewrites the attempt, and must sign it again.
    await pushCommit(world.remote, 'main', { 'other.txt': 'other\n' }, 'other work');
    const caught = await world.workspace.catchUp(world.project, 'SHOP-1');
    if (caught.type !== 'rebased') throw new Error(JSON.stringify(caught));
    await expect(verify(world.remote, caught.headSha)).resolves.toBe('');
    const landed = await world.workspace.landOnDefault(world.project, 'SHOP-1', caught.headSha, 'Add a cart');
    if (landed.type !== 'merged') throw new Error(JSON.stringify(landed));
    await expect(verify(world.remote, landed.sha)).resolves.toBe('');
    expect(await git(world.remote, ['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'show', '-s', '--format=%G? %GS', landed.sha])).toBe('G bot@acme.test');
    expect(await git(world.remote, ['cat-file', 'commit', landed.sha])).toContain('-----BEGIN SSH SIGNATURE-----');
    // The fixture's own commit was not signed by Conveyor: git says so.
    await expect(verify(world.remote, 'main~1')).rejects.toThrow();
  });

  it('signs nothing without a signingKey', async () => {
    const world = await setup();
    const head = await twoAttempts(world);
    const landed = await world.workspace.landOnDefault(world.project, 'SHOP-1', head, 'Add a cart');
    if (landed.type !== 'merged') throw new Error(JSON.stringify(landed));
    for (const sha of [landed.sha, head]) expect(await git(world.remote, ['cat-file', 'commit', sha])).not.toContain('gpgsig');
  });
});
