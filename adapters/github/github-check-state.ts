/**
 * GitHub's check runs in the forge-neutral status vocabulary, shared by the webhook mapper and the
 * reconciler's reader so both judge a check run the same way.
 */
import type { CommitStatusState } from '../../core/inbound/inbound-fact.ts';

const CONCLUSIONS: Readonly<Record<string, CommitStatusState>> = {
  success: 'success',
  neutral: 'warning',
  skipped: 'skipped',
  failure: 'failure',
  timed_out: 'failure',
  action_required: 'failure',
  startup_failure: 'failure',
  cancelled: 'error',
  stale: 'pending',
};

const PHASES: Readonly<Record<string, number>> = { queued: 0, requested: 0, waiting: 0, pending: 0, in_progress: 1, completed: 2 };

/** The state of a check run from its `status` and `conclusion`; null when GitHub sent something unknown. */
export function checkRunState(status: string | null, conclusion: string | null): CommitStatusState | null {
  if (status !== 'completed') return status !== null && status in PHASES ? 'pending' : null;
  return conclusion !== null ? (CONCLUSIONS[conclusion] ?? null) : null;
}

/**
 * An id that orders one check run's updates (queued < in progress < completed) and a re-run (a new,
 * higher id) after all of them, so a late `in_progress` delivery never rewinds a finished run.
 */
export function checkRunOrder(id: number, status: string | null): number {
  return id * 4 + (status !== null ? (PHASES[status] ?? 0) : 0);
}

/** A check run's description: its output title and summary, short enough for a card. */
export function checkRunDescription(title: string | null, summary: string | null, conclusion: string | null): string {
  const text = [title, summary].filter((part): part is string => !!part && part.trim() !== '').join(': ');
  const described = text || conclusion || '';
  return described.length > 300 ? `${described.slice(0, 299)}…` : described;
}
