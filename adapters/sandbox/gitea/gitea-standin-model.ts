/**
 * The Gitea stand-in's stored records (repository, pull request, commit status), the outcomes its
 * API operations come to, and the small rules they share: commit ids, Gitea's time format and its
 * commit-status Combine.
 */
import { randomBytes } from 'node:crypto';

/** A commit status as stored. */
export interface StandinStatus {
  readonly id: number;
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description: string;
  readonly targetUrl: string;
  readonly creator: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A pull request as stored. */
export interface StandinPull {
  readonly id: number;
  readonly number: number;
  readonly author: string;
  title: string;
  body: string;
  readonly head: string;
  readonly base: string;
  headSha: string;
  readonly mergeBase: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** The base branch's head just before the merge moved it (what the base branch's push reports as `before`). */
  mergedOver: string | null;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Gitea's background check: still checking, or found a conflict → 405 "Please try again later". */
  mergeBlock: 'checking' | 'conflict' | null;
  /** Set by `forceMergeConflict`: the next merge fails with 409 and this git stderr. */
  conflictOnMerge: string | null;
}

/** A repository as stored. */
export interface StandinRepo {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly createdAt: string;
  readonly branches: Map<string, string>;
  readonly pulls: StandinPull[];
  readonly statuses: Map<string, StandinStatus[]>;
  nextIndex: number;
}

/** Outcome of the API's create-PR. */
export type CreatePullOutcome =
  | { type: 'created'; pull: StandinPull }
  | { type: 'exists'; pull: StandinPull }
  | { type: 'same-branch' }
  | { type: 'missing-branch'; branch: string };

/** Outcome of the API's merge. */
export type MergeAttempt =
  | { type: 'merged'; sha: string }
  | { type: 'not-found' }
  | { type: 'closed' }
  | { type: 'already-merged' }
  | { type: 'try-later' }
  | { type: 'head-out-of-date' }
  | { type: 'conflict'; stderr: string };

/** A random 40-hex commit id. */
export function randomSha(): string {
  return randomBytes(20).toString('hex');
}

/** Gitea's time format (RFC 3339, UTC, whole seconds). */
export function giteaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Gitea's commitstatus Combine: failure if any error/failure, success if all success/warning/skipped. */
export function combineStates(states: readonly string[]): 'success' | 'failure' | 'pending' {
  if (states.some((state) => state === 'error' || state === 'failure')) return 'failure';
  const ok = states.filter(
    (state) => state === 'success' || state === 'warning' || state === 'skipped',
  ).length;
  return ok > 0 && ok === states.length ? 'success' : 'pending';
}
