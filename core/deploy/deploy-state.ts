/**
 * Deploy state, keyed by task and deploy attempt (design §10): approval requested and granted,
 * hook started, hook result. Every new deploy pass starts from a clean state with the next attempt
 * number, and a failed deploy clears its markers, so a re-deploy after a fix never sees a stale
 * marker (the seed's ORCH-036 wedge: a leftover "hook done" skipped the hook of the re-deploy). A
 * marker written for another attempt is refused as stale. Pure.
 */
import type { HookVerdict } from './hook-outcome.ts';

/** The stored state of a task's current deploy pass. `v` versions the stored shape. */
export interface DeployState {
  readonly v: 1;
  readonly taskId: string;
  /** 1-based deploy pass number; markers below belong to this attempt only. */
  readonly attempt: number;
  /** The revision this pass deploys. */
  readonly revision: string;
  readonly approvalId: string | null;
  /** Telegram id of who approved, once approved. */
  readonly approvedBy: string | null;
  readonly hookStartedAt: number | null;
  readonly hookResult: { readonly verdict: HookVerdict['type']; readonly at: number } | null;
}

/** A marker write: applied, or refused because it names another attempt. */
export type DeployStateUpdate =
  { readonly type: 'ok'; readonly state: DeployState } | { readonly type: 'stale'; readonly current: number };

/** Start a new deploy pass: the next attempt number, every marker cleared. */
export function beginDeployPass(previous: DeployState | null, taskId: string, revision: string): DeployState {
  const attempt = previous && previous.taskId === taskId ? previous.attempt + 1 : 1;
  return {
    v: 1,
    taskId,
    attempt,
    revision,
    approvalId: null,
    approvedBy: null,
    hookStartedAt: null,
    hookResult: null,
  };
}

/** After a failed deploy (rollback or escalation): keep the attempt number, drop every marker. */
export function clearAfterFailure(state: DeployState): DeployState {
  return { ...state, approvalId: null, approvedBy: null, hookStartedAt: null, hookResult: null };
}

export function recordApprovalRequested(
  state: DeployState,
  attempt: number,
  approvalId: string,
): DeployStateUpdate {
  return guarded(state, attempt, () => ({ ...state, approvalId, approvedBy: null }));
}

export function recordApproved(
  state: DeployState,
  attempt: number,
  approvalId: string,
  by: string,
): DeployStateUpdate {
  if (state.attempt === attempt && state.approvalId !== approvalId)
    return { type: 'stale', current: state.attempt };
  return guarded(state, attempt, () => ({ ...state, approvedBy: by }));
}

/** Written before the hook is started, so a crash during the hook is never mistaken for "not run". */
export function recordHookStarted(state: DeployState, attempt: number, now: number): DeployStateUpdate {
  return guarded(state, attempt, () => ({ ...state, hookStartedAt: now, hookResult: null }));
}

export function recordHookResult(
  state: DeployState,
  attempt: number,
  verdict: HookVerdict['type'],
  now: number,
): DeployStateUpdate {
  return guarded(state, attempt, () => ({ ...state, hookResult: { verdict, at: now } }));
}

/** What a deploy job for `attempt` does, given the stored state. */
export type DeployAction =
  /** The job belongs to an earlier pass: do nothing. */
  | { readonly type: 'stale' }
  | { readonly type: 'request-approval' }
  | { readonly type: 'await-approval'; readonly approvalId: string }
  | { readonly type: 'run-hook' }
  /**
   * The hook was started for this attempt and its result was never recorded (Conveyor died during
   * it): never run it a second time; a self-deploy reads its result file, anything else escalates.
   */
  | { readonly type: 'hook-interrupted'; readonly startedAt: number }
  | { readonly type: 'after-hook'; readonly verdict: HookVerdict['type'] };

export function nextDeployAction(state: DeployState | null, attempt: number): DeployAction {
  if (!state || state.attempt !== attempt) return { type: 'stale' };
  if (state.hookResult) return { type: 'after-hook', verdict: state.hookResult.verdict };
  if (state.hookStartedAt !== null) return { type: 'hook-interrupted', startedAt: state.hookStartedAt };
  if (state.approvedBy !== null) return { type: 'run-hook' };
  if (state.approvalId !== null) return { type: 'await-approval', approvalId: state.approvalId };
  return { type: 'request-approval' };
}

function guarded(state: DeployState, attempt: number, apply: () => DeployState): DeployStateUpdate {
  return state.attempt === attempt
    ? { type: 'ok', state: apply() }
    : { type: 'stale', current: state.attempt };
}
