/**
 * Combining the commit statuses of several CI contexts into one state, the way Gitea does:
 * any failure or error fails, success needs every context to be success, warning or skipped.
 */
import type { CiState } from '../domain/events.ts';

/** One context's status; callers pass the latest status per context. */
export interface ContextStatus {
  readonly context: string;
  readonly state: string;
}

const FAILING = new Set(['failure', 'error']);
const PASSING = new Set(['success', 'warning', 'skipped']);

/**
 * `failure` if any context failed or errored; `success` if there is at least one context and all
 * are success, warning or skipped; otherwise (none yet, pending, or a state we do not know)
 * `pending`. States are compared case-insensitively.
 */
export function combineCiStates(states: readonly ContextStatus[]): CiState {
  const normalised = states.map((status) => String(status.state).trim().toLowerCase());
  if (normalised.some((state) => FAILING.has(state))) return 'failure';
  if (normalised.length > 0 && normalised.every((state) => PASSING.has(state))) return 'success';
  return 'pending';
}
