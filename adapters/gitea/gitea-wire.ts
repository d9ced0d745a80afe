/**
 * Readers for the few Gitea API shapes the client uses. They never throw: a body that is not the
 * documented shape reads as null (or an empty list), and the client turns that into an error that
 * names the operation.
 */

/** An open or closed pull request as the client needs it. */
export interface GiteaPull {
  readonly number: number;
  readonly state: string;
  readonly merged: boolean;
  readonly headRef: string;
  readonly headSha: string;
  readonly baseRef: string;
  readonly mergeCommitSha: string | null;
}

/** One commit status; Gitea's JSON calls the state `status`. */
export interface GiteaStatus {
  readonly context: string;
  readonly status: string;
  readonly description: string;
  readonly target_url: string;
}

/** The combined status of a ref, reduced to the three states that matter to a gate. */
export interface GiteaCombinedStatus {
  readonly state: 'success' | 'failure' | 'pending';
  readonly statuses: readonly GiteaStatus[];
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A pull request object, or null when it lacks a number or branch refs. */
export function readPull(body: unknown): GiteaPull | null {
  const pull = record(body);
  const head = record(pull?.head);
  const base = record(pull?.base);
  if (!pull || !head || !base || typeof pull.number !== 'number') return null;
  return {
    number: pull.number,
    state: text(pull.state),
    merged: pull.merged === true,
    headRef: text(head.ref),
    headSha: text(head.sha),
    baseRef: text(base.ref),
    mergeCommitSha: typeof pull.merge_commit_sha === 'string' ? pull.merge_commit_sha : null,
  };
}

/** A page of pull requests, or null when the body is not a list of them. */
export function readPullList(body: unknown): GiteaPull[] | null {
  if (!Array.isArray(body)) return null;
  const pulls = body.map(readPull);
  return pulls.every((pull) => pull !== null) ? pulls : null;
}

/** The head commit id of a branch object, or null. */
export function readBranchHead(body: unknown): string | null {
  const sha = record(record(body)?.commit)?.id;
  return typeof sha === 'string' && sha ? sha : null;
}

/**
 * A combined status. Gitea answers `{}`-like zero values (state `""`, statuses `null`) when no status
 * exists yet; that, `pending` and anything unknown read as pending. Its own Combine never yields
 * `error` or `warning`, but older servers may: error counts as failure, warning as success.
 */
export function readCombinedStatus(body: unknown): GiteaCombinedStatus | null {
  const combined = record(body);
  if (!combined) return null;
  const statuses = Array.isArray(combined.statuses) ? combined.statuses.map(readStatus) : [];
  if (statuses.some((status) => status === null)) return null;
  return { state: combinedState(text(combined.state)), statuses: statuses as GiteaStatus[] };
}

function readStatus(value: unknown): GiteaStatus | null {
  const status = record(value);
  if (!status || typeof status.context !== 'string') return null;
  return {
    context: status.context,
    status: text(status.status),
    description: text(status.description),
    target_url: text(status.target_url),
  };
}

function combinedState(state: string): GiteaCombinedStatus['state'] {
  if (state === 'failure' || state === 'error') return 'failure';
  if (state === 'success' || state === 'warning' || state === 'skipped') return 'success';
  return 'pending';
}

/** The `message` of a Gitea error body (`{"message": …, "url": …}`), or "". */
export function errorMessage(body: unknown): string {
  return text(record(body)?.message);
}
