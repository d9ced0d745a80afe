/**
 * The TrackerPort (+ TrackerReader) contract: every tracker client runs this suite against its
 * stand-in over HTTP, so Plane and GitHub Issues behave alike for the engine and the reconciler.
 * What a vendor lacks is skipped with the reason.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { TrackerIssue, TrackerReader } from '../../core/ports/tracker-reader.ts';
import type { TrackerPort } from '../../core/ports/tracker.ts';

/** An issue as the vendor's stand-in holds it, in the contract's words. */
export interface SeenIssue {
  readonly title: string;
  /** `started` / `completed`, or `other` (backlog, open without the in-progress mark). */
  readonly group: 'started' | 'completed' | 'other';
  /** Comment bodies, oldest first. */
  readonly comments: readonly string[];
}

/** One tracker client wired to its stand-in. */
export interface TrackerFixture {
  readonly tracker: TrackerPort;
  /** A reader paging `perPage` issues at a time. */
  reader(perPage: number): TrackerReader;
  /** The project id the client knows (`SHOP`). */
  readonly projectId: string;
  /** The same client with a token / key the vendor refuses. */
  readonly refused: TrackerPort;
  seen(issueId: string): SeenIssue | undefined;
  /** Makes the vendor answer the next request with its rate limit, asking to wait `seconds`. */
  rateLimitNext(seconds: number): void;
  cleanup(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function allIssues(reader: TrackerReader, projectId: string): Promise<{ issues: TrackerIssue[]; pages: number }> {
  const issues: TrackerIssue[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await reader.issuesPage(projectId, cursor);
    issues.push(...page.issues);
    expect(page.calls).toBeGreaterThanOrEqual(1);
    cursor = page.next;
    pages += 1;
  } while (cursor !== null && pages < 20);
  return { issues, pages };
}

/** Runs the shared suite against `make`'s tracker. */
export function describeTrackerContract(name: string, make: () => Promise<TrackerFixture>): void {
  describe(`TrackerPort contract: ${name}`, () => {
    let f: TrackerFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f?.cleanup();
    });

    it('creates an issue numbered by the tracker, comments once per external id, moves it started then completed', async () => {
      const first = await f.tracker.createIssue(f.projectId, 'Add a coupon field');
      const second = await f.tracker.createIssue(f.projectId, 'Fix the footer');
      expect(second.sequenceId).toBe(first.sequenceId + 1);
      expect(f.seen(first.issueId)).toEqual({ title: 'Add a coupon field', group: 'other', comments: [] });

      await f.tracker.comment(f.projectId, first.issueId, 'SHOP-1:brd', '<p>BRD ready for approval</p>');
      await f.tracker.comment(f.projectId, first.issueId, 'SHOP-1:brd', '<p>BRD ready for approval</p>');
      await f.tracker.comment(f.projectId, first.issueId, 'SHOP-1:merged', '<p>Merged</p>');
      const comments = f.seen(first.issueId)?.comments ?? [];
      expect(comments).toHaveLength(2);
      expect(comments[0]).toContain('BRD ready for approval');
      expect(comments[1]).toContain('Merged');

      await f.tracker.moveToGroup(f.projectId, first.issueId, 'started');
      expect(f.seen(first.issueId)?.group).toBe('started');
      await f.tracker.moveToGroup(f.projectId, first.issueId, 'started');
      expect(f.seen(first.issueId)?.group).toBe('started');
      await f.tracker.moveToGroup(f.projectId, first.issueId, 'completed');
      expect(f.seen(first.issueId)?.group).toBe('completed');
      expect(f.seen(second.issueId)?.group).toBe('other');
    });

    it('lists the open issues for the reconciler page by page, newest first, with the tracker numbers', async () => {
      const made = [];
      for (const title of ['One', 'Two', 'Three', 'Four', 'Five']) made.push(await f.tracker.createIssue(f.projectId, title));
      const { issues, pages } = await allIssues(f.reader(2), f.projectId);
      expect(pages).toBe(3);
      expect(issues.map((i) => i.sequenceId)).toEqual(made.map((m) => m.sequenceId).reverse());
      expect(issues.map((i) => i.id)).toEqual(made.map((m) => m.issueId).reverse());
      expect(issues[0]?.title).toBe('Five');
    });

    it('refused credentials are a PermanentError; a rate limit is a RetryableError carrying the wait', async () => {
      const refused = await rejection(f.refused.createIssue(f.projectId, 'Nope'));
      expect(refused).toBeInstanceOf(PermanentError);
      const made = await f.tracker.createIssue(f.projectId, 'Throttled');
      f.rateLimitNext(42);
      const limited = await rejection(f.tracker.moveToGroup(f.projectId, made.issueId, 'completed'));
      expect(limited).toBeInstanceOf(RetryableError);
      expect((limited as RetryableError).retryAfterMs).toBe(42_000);
      expect(f.seen(made.issueId)?.group).toBe('other');
    });
  });
}
