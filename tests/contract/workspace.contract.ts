/**
 * The WorkspacePort contract: every implementation (the real git one, any fake) runs this suite
 * against a real local bare remote, so a fake cannot drift from the real thing.
 */
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { PermanentError } from '../../core/errors.ts';
import type { WorkspacePort } from '../../core/ports/workspace.ts';
import { git, pushCommit, remoteFile, remoteLog, remoteSha } from '../support/git-fixtures.ts';

/** What one contract test needs: a workspace, a project whose cloneUrl is `remote`, and cleanup. */
export interface WorkspaceFixture {
  readonly workspace: WorkspacePort;
  readonly project: ProjectConfig;
  /** Path of the project's bare remote, seeded with one commit on main (README.md, src/app.txt). */
  readonly remote: string;
  cleanup(): Promise<void>;
}

/** Run the shared WorkspacePort suite against the implementation `make` builds. */
export function describeWorkspaceContract(name: string, make: () => Promise<WorkspaceFixture>): void {
  describe(`WorkspacePort contract: ${name}`, () => {
    let f: WorkspaceFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    const exists = async (file: string) => (await stat(file).catch(() => null)) !== null;

    it('prepare creates the worktree on task/<ID> from the default branch', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      expect(wt.branch).toBe('task/SHOP-1');
      expect(path.isAbsolute(wt.path)).toBe(true);
      expect(wt.headSha).toBe(await remoteSha(f.remote, 'main'));
      expect(await git(wt.path, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/task/SHOP-1');
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'README.md')).toBe('# Demo shop\n');
    });

    it('prepare twice reuses the worktree and keeps uncommitted work', async () => {
      const first = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'notes.md', 'draft');
      const second = await f.workspace.prepare(f.project, 'SHOP-1');
      expect(second).toEqual(first);
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'notes.md')).toBe('draft');
    });

    it('prepare recovers when the worktree directory was deleted', async () => {
      const first = await f.workspace.prepare(f.project, 'SHOP-1');
      await rm(first.path, { recursive: true, force: true });
      const again = await f.workspace.prepare(f.project, 'SHOP-1');
      expect(again.path).toBe(first.path);
      expect(await git(again.path, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/task/SHOP-1');
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'README.md')).toBe('# Demo shop\n');
    });

    it('prepare continues an existing remote task branch', async () => {
      const sha = await pushCommit(f.remote, 'task/SHOP-2', { 'feature.txt': 'started earlier\n' }, 'earlier work');
      const wt = await f.workspace.prepare(f.project, 'SHOP-2');
      expect(wt.headSha).toBe(sha);
      expect(await f.workspace.readFile(f.project, 'SHOP-2', 'feature.txt')).toBe('started earlier\n');
    });

    it('commitAndPush commits leftovers and the remote branch has the returned sha', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'docs/work-items/SHOP-1/01-brd.md', '# BRD\n');
      await writeFile(path.join(wt.path, 'src', 'app.txt'), 'line 1\nchanged\nline 3\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 analyst: attempt 1');
      expect(pushed.committed).toBe(true);
      expect(pushed.headSha).not.toBe(wt.headSha);
      expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(pushed.headSha);
      expect(await remoteFile(f.remote, 'task/SHOP-1', 'docs/work-items/SHOP-1/01-brd.md')).toBe('# BRD');
      expect(await remoteLog(f.remote, 'task/SHOP-1')).toEqual(['SHOP-1 analyst: attempt 1', 'Initial commit']);
      expect(await remoteSha(f.remote, 'main')).toBe(wt.headSha);
    });

    it('commitAndPush with nothing to commit reports committed:false and keeps the head', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      const empty = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 reviewer: attempt 1');
      expect(empty).toEqual({ committed: false, headSha: wt.headSha });
      await f.workspace.writeFile(f.project, 'SHOP-1', 'a.txt', 'a');
      const first = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const again = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 tester: attempt 1');
      expect(again).toEqual({ committed: false, headSha: first.headSha });
      expect(await remoteLog(f.remote, 'task/SHOP-1')).toHaveLength(2);
    });

    it('a commit pushed to the task branch by someone else is in the worktree after the next prepare', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'a.txt', 'ours\n');
      await f.workspace.commitAndPush(f.project, 'SHOP-1', 'ours');
      const theirs = await pushCommit(f.remote, 'task/SHOP-1', { 'fix.txt': 'human fix\n' }, 'human fix');
      const again = await f.workspace.prepare(f.project, 'SHOP-1');
      expect(again.path).toBe(wt.path);
      expect(again.headSha).toBe(theirs);
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'fix.txt')).toBe('human fix\n');
    });

    it('a new commit on the default branch is the start of a task prepared afterwards', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      const newer = await pushCommit(f.remote, 'main', { 'CHANGELOG.md': 'v2\n' }, 'release v2');
      const wt = await f.workspace.prepare(f.project, 'SHOP-3');
      expect(wt.headSha).toBe(newer);
      expect(await f.workspace.readFile(f.project, 'SHOP-3', 'CHANGELOG.md')).toBe('v2\n');
    });

    it('readFile and writeFile round-trip inside the worktree and refuse paths outside it', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'deep/nested/dir/file.md', 'héllo\n');
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'deep/nested/dir/file.md')).toBe('héllo\n');
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'missing.md')).toBeNull();
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'no/such/dir/x.md')).toBeNull();
      for (const bad of ['../x', 'deep/../../x', '/etc/hostname', path.join(f.remote, 'HEAD')]) {
        await expect(f.workspace.readFile(f.project, 'SHOP-1', bad)).rejects.toBeInstanceOf(PermanentError);
        await expect(f.workspace.writeFile(f.project, 'SHOP-1', bad, 'x')).rejects.toBeInstanceOf(PermanentError);
      }
    });

    it('mergeToDefault squashes the task onto the default branch (the default method)', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'feature.txt', 'done\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const before = await remoteSha(f.remote, 'main');
      const merged = await f.workspace.mergeToDefault(f.project, 'SHOP-1', 'Add a feature');
      const main = await remoteSha(f.remote, 'main');
      expect(merged).toEqual({ type: 'merged', sha: main });
      expect(main).not.toBe(pushed.headSha);
      expect(await git(f.remote, ['rev-parse', 'main^@'])).toBe(before);
      expect(await git(f.remote, ['rev-parse', 'main^{tree}'])).toBe(await git(f.remote, ['rev-parse', `${pushed.headSha}^{tree}`]));
      expect(await remoteLog(f.remote, 'main')).toEqual(['SHOP-1: Add a feature', 'Initial commit']);
      // Idempotent: merging again finds the squash commit and changes nothing.
      expect(await f.workspace.mergeToDefault(f.project, 'SHOP-1', 'Add a feature')).toEqual({ type: 'merged', sha: main });
      expect(await remoteSha(f.remote, 'main')).toBe(main);
    });

    it('mergeToDefault rebases when the default branch moved, then merges on the next call', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'feature.txt', 'done\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const moved = await pushCommit(f.remote, 'main', { 'other.txt': 'someone else\n' }, 'other work');
      const first = await f.workspace.mergeToDefault(f.project, 'SHOP-1', 'Add a feature');
      expect(first.type).toBe('rebased');
      if (first.type !== 'rebased') return;
      expect(first.headSha).not.toBe(pushed.headSha);
      expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(first.headSha);
      expect(await remoteSha(f.remote, 'main')).toBe(moved);
      const second = await f.workspace.mergeToDefault(f.project, 'SHOP-1', 'Add a feature');
      expect(second).toEqual({ type: 'merged', sha: await remoteSha(f.remote, 'main') });
      expect(await git(f.remote, ['rev-parse', 'main^{tree}'])).toBe(await git(f.remote, ['rev-parse', `${first.headSha}^{tree}`]));
      expect(await remoteLog(f.remote, 'main')).toEqual(['SHOP-1: Add a feature', 'other work', 'Initial commit']);
    });

    it('mergeToDefault reports a conflict, leaves the worktree clean and the default branch alone', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'src/app.txt', 'line 1\nours\nline 3\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const moved = await pushCommit(f.remote, 'main', { 'src/app.txt': 'line 1\ntheirs\nline 3\n' }, 'conflicting work');
      const outcome = await f.workspace.mergeToDefault(f.project, 'SHOP-1', 'Add a feature');
      expect(outcome.type).toBe('conflict');
      if (outcome.type === 'conflict') expect(outcome.reason).toContain('src/app.txt');
      expect(await remoteSha(f.remote, 'main')).toBe(moved);
      expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(pushed.headSha);
      expect(await git(wt.path, ['status', '--porcelain'])).toBe('');
      expect(await git(wt.path, ['rev-parse', 'HEAD'])).toBe(pushed.headSha);
      expect(await f.workspace.readFile(f.project, 'SHOP-1', 'src/app.txt')).toBe('line 1\nours\nline 3\n');
      expect((await f.workspace.prepare(f.project, 'SHOP-1')).headSha).toBe(pushed.headSha);
    });

    it('catchUp leaves a current branch alone and never touches the default branch', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'feature.txt', 'done\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const main = await remoteSha(f.remote, 'main');
      expect(await f.workspace.catchUp(f.project, 'SHOP-1')).toMatchObject({ type: 'current', headSha: pushed.headSha });
      expect(await remoteSha(f.remote, 'main')).toBe(main);
    });

    it('catchUp rebases a branch behind the default branch and pushes only the task branch', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'feature.txt', 'done\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const moved = await pushCommit(f.remote, 'main', { 'other.txt': 'someone else\n' }, 'other work');
      const outcome = await f.workspace.catchUp(f.project, 'SHOP-1');
      expect(outcome.type).toBe('rebased');
      if (outcome.type !== 'rebased') return;
      expect(outcome.headSha).not.toBe(pushed.headSha);
      expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(outcome.headSha);
      expect(await remoteSha(f.remote, 'main')).toBe(moved);
      expect(await f.workspace.catchUp(f.project, 'SHOP-1')).toMatchObject({ type: 'current', headSha: outcome.headSha });
    });

    it('catchUp reports the conflicting files and leaves the worktree clean on its old head', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'src/app.txt', 'line 1\nours\nline 3\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      await pushCommit(f.remote, 'main', { 'src/app.txt': 'line 1\ntheirs\nline 3\n' }, 'conflicting work');
      const outcome = await f.workspace.catchUp(f.project, 'SHOP-1');
      expect(outcome).toMatchObject({ type: 'conflict', reason: expect.stringContaining('src/app.txt') });
      expect(await git(wt.path, ['status', '--porcelain'])).toBe('');
      expect(await git(wt.path, ['rev-parse', 'HEAD'])).toBe(pushed.headSha);
      expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(pushed.headSha);
    });

    it('fastForwardDefault moves the default branch only as a fast-forward', async () => {
      await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'feature.txt', 'done\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
      const moved = await pushCommit(f.remote, 'main', { 'other.txt': 'someone else\n' }, 'other work');
      expect(await f.workspace.fastForwardDefault(f.project, 'SHOP-1', pushed.headSha)).toMatchObject({ type: 'moved' });
      expect(await remoteSha(f.remote, 'main')).toBe(moved);
      const caught = await f.workspace.catchUp(f.project, 'SHOP-1');
      if (caught.type !== 'rebased') throw new Error(JSON.stringify(caught));
      expect(await f.workspace.fastForwardDefault(f.project, 'SHOP-1', caught.headSha)).toEqual({ type: 'merged' });
      expect(await remoteSha(f.remote, 'main')).toBe(caught.headSha);
    });

    it('changedPaths lists the paths between two commits; an unknown commit fails closed', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'src/feature.txt', 'code\n');
      const code = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'code');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'docs/work-items/SHOP-1/14-staging-report.md', 'VERDICT: SUCCESS\n');
      const report = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'report');
      expect(await f.workspace.changedPaths(f.project, 'SHOP-1', code.headSha, report.headSha)).toEqual(['docs/work-items/SHOP-1/14-staging-report.md']);
      expect(await f.workspace.changedPaths(f.project, 'SHOP-1', wt.headSha, report.headSha)).toEqual(['docs/work-items/SHOP-1/14-staging-report.md', 'src/feature.txt']);
      expect(await f.workspace.changedPaths(f.project, 'SHOP-1', report.headSha, report.headSha)).toEqual([]);
      expect(await f.workspace.changedPaths(f.project, 'SHOP-1', 'f'.repeat(40), report.headSha)).toEqual(['<unknown revision>']);
    });

    it('remove deletes the worktree, is idempotent, and the branch survives on the remote', async () => {
      const wt = await f.workspace.prepare(f.project, 'SHOP-1');
      await f.workspace.writeFile(f.project, 'SHOP-1', 'a.txt', 'a\n');
      const pushed = await f.workspace.commitAndPush(f.project, 'SHOP-1', 'work');
      await f.workspace.remove(f.project, 'SHOP-1');
      expect(await exists(wt.path)).toBe(false);
      await f.workspace.remove(f.project, 'SHOP-1');
      await f.workspace.remove(f.project, 'SHOP-404');
      expect(await remoteSha(f.remote, 'task/SHOP-1')).toBe(pushed.headSha);
      expect((await f.workspace.prepare(f.project, 'SHOP-1')).headSha).toBe(pushed.headSha);
    });

    it('prepares two projects and two tasks of one project concurrently', async () => {
      const other: ProjectConfig = { ...f.project, id: `${f.project.id}B` };
      const [a, b, c] = await Promise.all([
        f.workspace.prepare(f.project, 'SHOP-7'),
        f.workspace.prepare(f.project, 'SHOP-8'),
        f.workspace.prepare(other, 'SHOP-7'),
      ]);
      expect(new Set([a.path, b.path, c.path]).size).toBe(3);
      for (const wt of [a, b, c]) expect(await exists(path.join(wt.path, 'README.md'))).toBe(true);
      await Promise.all([
        f.workspace.writeFile(f.project, 'SHOP-7', 'seven.txt', '7'),
        f.workspace.writeFile(f.project, 'SHOP-8', 'eight.txt', '8'),
      ]);
      const [p7, p8] = await Promise.all([
        f.workspace.commitAndPush(f.project, 'SHOP-7', 'seven'),
        f.workspace.commitAndPush(f.project, 'SHOP-8', 'eight'),
      ]);
      expect(await remoteSha(f.remote, 'task/SHOP-7')).toBe(p7.headSha);
      expect(await remoteSha(f.remote, 'task/SHOP-8')).toBe(p8.headSha);
    });
  });
}
