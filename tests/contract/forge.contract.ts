/**
 * The ForgePort (+ ForgeReader) contract: every forge client runs this suite against its stand-in,
 * each stand-in backed by a real bare git repository, so clients and stand-ins answer alike. What a
 * vendor lacks is skipped with the reason.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../core/errors.ts';
import type { ForgeReader } from '../../core/ports/forge-reader.ts';
import type { ForgePort, MergeMethod } from '../../core/ports/forge.ts';
import { git, pushCommit, remoteFile, remoteSha } from '../support/git-fixtures.ts';
import { rejection } from '../support/rejection.ts';

/** One forge client wired to its stand-in over a fresh bare repository (`main` seeded). */
export interface ForgeFixture {
  readonly forge: ForgePort & { branchHead(repo: string, branch: string): Promise<string | null> };
  readonly reader: ForgeReader;
  readonly repo: string;
  /** The bare repository the stand-in serves. */
  readonly remote: string;
  /** Plays the CI: reports `state` for `context` on `sha` (a status on Gitea, a check run on GitHub). */
  reportCi(sha: string, context: string, state: 'pending' | 'success' | 'failure', description: string): void;
  /** The PR as the forge sees it. */
  pull(number: number): { readonly state: string; readonly merged: boolean } | undefined;
  /** Comments on a PR as the forge stored them (only called when the vendor comments). */
  comments(number: number): readonly string[];
  cleanup(): Promise<void>;
}

/** What a vendor's client and stand-in offer; the rest of the suite is skipped, with the reason given by the caller. */
export interface ForgeCapabilities {
  /** Merge methods besides `merge` that the stand-in models faithfully. */
  readonly methods: readonly MergeMethod[];
  /** The client comments on PRs. */
  readonly comments: boolean;
}

const BRANCH = 'task/SHOP-42';
const style = (method: MergeMethod) => ({ method, title: 'SHOP-42: Add a coupon' });

/** Runs the shared suite against `make`'s forge. */
export function describeForgeContract(name: string, caps: ForgeCapabilities, make: () => Promise<ForgeFixture>): void {
  describe(`ForgePort contract: ${name}`, () => {
    let f: ForgeFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    const openPull = async (files: Record<string, string> = { 'src/coupon.txt': 'coupon\n' }) => {
      const head = await pushCommit(f.remote, BRANCH, files, 'SHOP-42: coupons');
      const number = await f.forge.ensurePullRequest(f.repo, BRANCH, 'main', 'SHOP-42: coupons', 'body');
      return { head, number };
    };

    it('opens a PR once and reuses the open one', async () => {
      const { number } = await openPull();
      expect(await f.forge.ensurePullRequest(f.repo, BRANCH, 'main', 'SHOP-42: coupons', 'body')).toBe(number);
      expect(f.pull(number)).toMatchObject({ state: 'open', merged: false });
    });

    it('reads a branch head (slashes in the name) and null for a missing branch', async () => {
      const head = await pushCommit(f.remote, BRANCH, { 'a.txt': 'a\n' }, 'a');
      expect(await f.forge.branchHead(f.repo, BRANCH)).toBe(head);
      expect(await f.reader.branchHead(f.repo, 'task/NOPE-1')).toBeNull();
    });

    it('combines CI: pending before any report, success when all pass, failure when one fails', async () => {
      const head = await pushCommit(f.remote, BRANCH, { 'a.txt': 'a\n' }, 'a');
      expect(await f.reader.combinedStatus(f.repo, head)).toBe('pending');
      f.reportCi(head, 'build', 'success', 'built');
      expect(await f.reader.combinedStatus(f.repo, head)).toBe('success');
      f.reportCi(head, 'test', 'pending', 'running');
      expect(await f.reader.combinedStatus(f.repo, head)).toBe('pending');
      f.reportCi(head, 'lint', 'failure', '3 problems');
      expect(await f.reader.combinedStatus(f.repo, head)).toBe('failure');
    });

    it('merges the tested head into main, and an already merged PR reads as merged again', async () => {
      const { head, number } = await openPull();
      const merged = await f.forge.merge(f.repo, number, head, style('merge'));
      // The sha the forge reports is the commit now on main (its merge commit).
      expect(merged).toEqual({ type: 'merged', sha: await remoteSha(f.remote, 'main') });
      expect(await remoteFile(f.remote, 'main', 'src/coupon.txt')).toBe('coupon');
      expect(f.pull(number)).toMatchObject({ merged: true });
      expect(await f.forge.merge(f.repo, number, head, style('merge'))).toMatchObject({ type: 'merged' });
    });

    it('refuses to merge when the head moved past the tested sha (retryable, main untouched)', async () => {
      const { head, number } = await openPull();
      await pushCommit(f.remote, BRANCH, { 'later.txt': 'x\n' }, 'later');
      const main = await remoteSha(f.remote, 'main');
      expect(await rejection(f.forge.merge(f.repo, number, head, style('merge')))).toBeInstanceOf(RetryableError);
      expect(await remoteSha(f.remote, 'main')).toBe(main);
    });

    it('reports a conflict when the branches do not merge', async () => {
      const { head, number } = await openPull({ 'README.md': '# Ours\n' });
      await pushCommit(f.remote, 'main', { 'README.md': '# Theirs\n' }, 'theirs');
      expect(await f.forge.merge(f.repo, number, head, style('merge'))).toMatchObject({ type: 'conflict' });
    });

    for (const method of ['squash', 'rebase'] as const) {
    it.skipIf(!caps.methods.includes(method))(`merges with the ${method} method`, async () => {
      const { number } = await openPull({ 'one.txt': '1\n' });
      const second = await pushCommit(f.remote, BRANCH, { 'two.txt': '2\n' }, 'second');
      const before = await remoteSha(f.remote, 'main');
      expect(await f.forge.merge(f.repo, number, second, style(method))).toEqual({ type: 'merged', sha: await remoteSha(f.remote, 'main') });
      const parents = (await git(f.remote, ['log', '--format=%P', `${before}..main`])).split('\n');
      // squash: one single-parent commit; rebase: each commit replayed, none a merge.
      expect(parents).toHaveLength(method === 'squash' ? 1 : 2);
      expect(parents.every((p) => p.split(' ').length === 1)).toBe(true);
      expect(await remoteFile(f.remote, 'main', 'two.txt')).toBe('2');
    });
    }

    it.skipIf(!caps.comments)('comments on the PR', async () => {
      const { number } = await openPull();
      expect(typeof f.forge.commentOnPullRequest).toBe('function');
      await f.forge.commentOnPullRequest?.(f.repo, number, 'CI green on abc1234');
      expect(f.comments(number)).toEqual(['CI green on abc1234']);
    });
  });
}
