/**
 * Readers for the few GitHub REST shapes the client uses. They never throw: a body that is not the
 * documented shape reads as null, and the client turns that into an error naming the operation.
 */
import type { ContextStatus } from '../../core/gates/ci-combine.ts';
import type { VerdictStatus } from '../../core/gates/ci-verdict.ts';
import { checkRunDescription, checkRunState } from './github-check-state.ts';

/** A pull request as the client needs it. `mergeable` null: GitHub has not computed it yet. */
export interface GithubPull {
  readonly number: number;
  readonly state: string;
  readonly merged: boolean;
  readonly mergeable: boolean | null;
  readonly headRef: string;
  readonly headSha: string;
  readonly baseRef: string;
  readonly htmlUrl: string;
}

/** One CI context (a commit status or a check run) in the neutral vocabulary. */
export type GithubContext = VerdictStatus & ContextStatus;

type Json = Record<string, unknown>;
const record = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A pull request object, or null. */
export function readPull(body: unknown): GithubPull | null {
  const pull = record(body);
  const head = record(pull?.['head']);
  const base = record(pull?.['base']);
  if (!pull || !head || !base || typeof pull['number'] !== 'number') return null;
  return {
    number: pull['number'],
    state: text(pull['state']),
    merged: pull['merged'] === true || textOrNull(pull['merged_at']) !== null,
    mergeable: typeof pull['mergeable'] === 'boolean' ? pull['mergeable'] : null,
    headRef: text(head['ref']),
    headSha: text(head['sha']),
    baseRef: text(base['ref']),
    htmlUrl: text(pull['html_url']),
  };
}

/** A list of pull requests, or null. */
export function readPullList(body: unknown): GithubPull[] | null {
  if (!Array.isArray(body)) return null;
  const pulls = body.map(readPull);
  return pulls.every((p): p is GithubPull => p !== null) ? pulls : null;
}

/** The commit statuses of a combined status (latest per context), or null. */
export function readStatuses(body: unknown): GithubContext[] | null {
  const statuses = record(body)?.['statuses'];
  if (!Array.isArray(statuses)) return null;
  return statuses.flatMap((s) => {
    const status = record(s);
    const context = textOrNull(status?.['context']);
    return status && context ? [{ context, state: text(status['state']), description: text(status['description']), targetUrl: textOrNull(status['target_url']) }] : [];
  });
}

/** The check runs of a page, as contexts, and the total count; null when not that shape. */
export function readCheckRuns(body: unknown): { total: number; runs: GithubContext[] } | null {
  const page = record(body);
  const runs = page?.['check_runs'];
  if (!page || !Array.isArray(runs)) return null;
  return {
    total: typeof page['total_count'] === 'number' ? page['total_count'] : runs.length,
    runs: runs.flatMap((r) => {
      const run = record(r);
      const name = textOrNull(run?.['name']);
      const output = record(run?.['output']);
      const conclusion = textOrNull(run?.['conclusion']);
      const state = checkRunState(textOrNull(run?.['status']), conclusion);
      if (!run || !name || !state) return [];
      return [{ context: name, state, description: checkRunDescription(textOrNull(output?.['title']), textOrNull(output?.['summary']), conclusion), targetUrl: textOrNull(run['details_url']) ?? textOrNull(run['html_url']) }];
    }),
  };
}

/** The branch head's sha, or null. */
export function readBranchHead(body: unknown): string | null {
  return textOrNull(record(record(body)?.['commit'])?.['sha']);
}

/** GitHub's explanation: `message` and each `errors[].message` (or code and field). */
export function githubMessage(body: unknown): string {
  const json = record(body);
  if (!json) return typeof body === 'string' ? body.slice(0, 300) : '';
  const errors = Array.isArray(json['errors']) ? json['errors'].map((e) => (record(e) ? textOrNull(record(e)?.['message']) ?? [text(record(e)?.['field']), text(record(e)?.['code'])].filter(Boolean).join(' ') : text(e))) : [];
  return [text(json['message']), ...errors].filter(Boolean).join(': ');
}

/** The `rel="next"` URL of a Link header, or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part.trim());
    if (match?.[1]) return match[1];
  }
  return null;
}
