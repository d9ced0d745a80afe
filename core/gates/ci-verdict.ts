/**
 * The CI verdict for one commit from its stored statuses (latest per context), honouring a
 * project's required contexts: with none configured every reported context counts; with some,
 * only those count and a required context that has not reported yet keeps the verdict pending.
 * Red names each failing context with its description and link.
 */
import type { CiState } from '../domain/events.ts';
import { combineCiStates } from './ci-combine.ts';

/** One stored status as the verdict reads it. */
export interface VerdictStatus {
  readonly context: string;
  readonly state: string;
  readonly description: string;
  readonly targetUrl: string | null;
}

/** The combined state and, when red, what failed. */
export interface CiVerdict {
  readonly state: CiState;
  readonly detail: string;
}

const FAILING = new Set(['failure', 'error']);

/** Judge `statuses`; `required` (empty or absent: every reported context) narrows what counts. */
export function ciVerdict(statuses: readonly VerdictStatus[], required?: readonly string[]): CiVerdict {
  const counted = required && required.length > 0 ? statuses.filter((s) => required.includes(s.context)) : statuses;
  const failing = counted.filter((s) => FAILING.has(String(s.state).trim().toLowerCase()));
  const detail = failing.map((s) => `${s.context}: ${s.description}${s.targetUrl ? ` (${s.targetUrl})` : ''}`).join('\n');
  let state = combineCiStates(counted);
  if (state === 'success' && required && required.some((name) => !counted.some((s) => s.context === name))) state = 'pending';
  return { state, detail };
}
