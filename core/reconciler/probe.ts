/**
 * What a reconciler side is: a probe looks at one candidate task and says what the lost event would
 * have been. A probe that needs per-pass state (a tracker snapshot, a call budget) starts a fresh
 * session for every pass, and may also find work that has no task yet (`discover`).
 */
import type { DomainEvent } from '../domain/events.ts';
import type { Task } from '../domain/task.ts';

/** What a probe found for one task (or, from `discover`, for a task still to be made). */
export type ProbeResult =
  /** Replay `events` through the engine, in order, in one transaction. */
  | { readonly type: 'unblock'; readonly events: readonly DomainEvent[]; readonly reason: string }
  /** Leave the task alone this pass (guard, tracker error, budget spent); the reason is reported. */
  | { readonly type: 'skip'; readonly reason: string }
  /** Nothing to replay; later probes may still look. */
  | { readonly type: 'nothing' };

/** A finding outside the candidate tasks; `taskId` is the id the task has or will have. */
export interface Discovery {
  readonly taskId: string;
  readonly result: ProbeResult;
}

/** The pass a session belongs to. */
export interface PassInfo {
  readonly dryRun: boolean;
  readonly now: number;
}

/** One pass's view of a probe. */
export interface ProbeSession {
  check(task: Task): Promise<ProbeResult> | ProbeResult;
  /** Runs once after the candidate tasks: work the candidates cannot show (issues with no task). */
  discover?(): Promise<readonly Discovery[]>;
}

/** A stateless probe. */
export type TaskProbe = (task: Task) => Promise<ProbeResult> | ProbeResult;

/** A probe with per-pass state. */
export interface PassProbe {
  readonly name: string;
  start(pass: PassInfo): ProbeSession;
}

/** Either kind; the reconciler asks them in order and stops at the first that is not `nothing`. */
export type Probe = TaskProbe | PassProbe;

/** The session of `probe` for one pass. */
export function sessionOf(probe: Probe, pass: PassInfo): ProbeSession {
  return typeof probe === 'function' ? { check: probe } : probe.start(pass);
}

/** A skip with its reason. */
export function skip(reason: string): ProbeResult {
  return { type: 'skip', reason };
}

/** Nothing found. */
export const NOTHING: ProbeResult = { type: 'nothing' };
