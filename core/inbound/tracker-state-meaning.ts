/**
 * What a Plane state change means to Conveyor. Plane has no "approved" or "blocked" group, so
 * teams name states for them; the names are matched, the groups only tell "started".
 */
import type { TrackerGroup } from '../domain/events.ts';

/** A state as far as it is known (the name may be unknown when Plane could not be asked). */
export interface StateDescription {
  readonly name: string | null;
  readonly group: string | null;
}

const APPROVED = /\bapproved\b/i;
const REJECTED = /\brejected\b/i;
// Word boundaries keep "Unblocked" from reading as "Blocked".
const BLOCKED = /\bblocked\b|\bneeds[ _-]?input\b/i;

/** True when a state name says "blocked" or "needs input". */
export function isBlockingState(name: string | null): boolean {
  return name !== null && BLOCKED.test(name);
}

/** The meaning of the state an issue moved into. */
export function meaningOf(state: StateDescription): Exclude<TrackerGroup, 'unblocked'> {
  const name = state.name ?? '';
  if (APPROVED.test(name)) return 'approved';
  if (REJECTED.test(name)) return 'rejected';
  if (isBlockingState(state.name)) return 'blocked';
  return state.group === 'started' ? 'started' : 'other';
}

/**
 * The tracker events of one state change, in order. Leaving a blocking state unblocks first, then
 * the new state counts on its own (Blocked → Approved unblocks and approves). `wasBlocked` is the
 * fallback when the old state's name is unknown: the task's own flag, which only a blocking state
 * sets.
 */
export function trackerGroupsFor(change: {
  readonly from: StateDescription | null;
  readonly to: StateDescription;
  readonly wasBlocked: boolean;
}): TrackerGroup[] {
  const next = meaningOf(change.to);
  if (next === 'blocked') return ['blocked'];
  const fromName = change.from?.name ?? null;
  const leftBlocking = fromName !== null ? isBlockingState(fromName) : change.wasBlocked;
  if (!leftBlocking) return [next];
  return next === 'other' ? ['unblocked'] : ['unblocked', next];
}
