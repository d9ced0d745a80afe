/**
 * What a deploy hook's end means (design §10, ADR 0027) and what Conveyor does next. Exit 0 =
 * deployed; 1 = failed before changing anything; 2 = failed after a change and restored the
 * previous version; anything else, a timeout, a cancelled run or a vanished detached run = the
 * state of production is unknown, and a person must look. Pure; never throws.
 */
import type { HookRunEnd, SelfDeployState } from '../ports/deploy-hook.ts';

/** The hook's exit codes with a meaning (ADR 0027). */
export const HOOK_EXIT = { deployed: 0, failedUnchanged: 1, failedRestored: 2 } as const;

/** One hook run, classified. `output` is the log tail for the card and the must-fix text. */
export type HookVerdict =
  | { readonly type: 'deployed'; readonly output: string }
  | { readonly type: 'failed-unchanged'; readonly output: string }
  | { readonly type: 'failed-restored'; readonly output: string }
  | { readonly type: 'unknown'; readonly reason: string; readonly output: string }
  /** The hook never started: production is untouched, but Conveyor itself is broken. */
  | { readonly type: 'not-run'; readonly reason: string };

/** Classify a supervised run. */
export function classifyHookEnd(end: HookRunEnd): HookVerdict {
  switch (end.type) {
    case 'exited':
      return classifyExit(end.code, end.logTail);
    case 'timed-out':
      return {
        type: 'unknown',
        reason: `the deploy hook timed out after ${seconds(end.durationMs)} and was killed`,
        output: end.logTail,
      };
    case 'cancelled':
      return {
        type: 'unknown',
        reason: 'the deploy hook was stopped because Conveyor shut down',
        output: end.logTail,
      };
    case 'spawn-failed':
      return { type: 'not-run', reason: `the deploy hook could not be started: ${end.error}` };
  }
}

/** Classify a detached (self-deploy) run; `still-running` while it may yet finish in time. */
export function classifySelfDeploy(
  state: SelfDeployState,
  now: number,
  timeoutMs: number,
): HookVerdict | { readonly type: 'still-running' } {
  switch (state.type) {
    case 'finished':
      return classifyExit(state.code, state.logTail);
    case 'vanished':
      return {
        type: 'unknown',
        reason: 'the detached deploy hook ended without writing its result (killed?)',
        output: state.logTail,
      };
    case 'running':
      if (now - state.startedAt <= timeoutMs) return { type: 'still-running' };
      return {
        type: 'unknown',
        reason: `the detached deploy hook is still running after ${seconds(timeoutMs)}`,
        output: '',
      };
  }
}

function classifyExit(code: number, output: string): HookVerdict {
  if (code === HOOK_EXIT.deployed) return { type: 'deployed', output };
  if (code === HOOK_EXIT.failedUnchanged) return { type: 'failed-unchanged', output };
  if (code === HOOK_EXIT.failedRestored) return { type: 'failed-restored', output };
  return {
    type: 'unknown',
    reason: `the deploy hook exited with ${code}, which says nothing about production's state (0, 1 or 2 expected)`,
    output,
  };
}

/** What follows a hook run. */
export type DeployNext =
  /** Probe production: `successes` in a row within the health timeout. */
  | { readonly type: 'check-health' }
  /** Back to development with this must-fix text (no automatic second hook call). */
  | { readonly type: 'rollback'; readonly mustFix: string }
  /** Production may be broken or half-changed: a person decides. */
  | { readonly type: 'escalate'; readonly reason: string };

/** After the approved deploy's hook. */
export function afterDeployHook(verdict: HookVerdict): DeployNext {
  switch (verdict.type) {
    case 'deployed':
      return { type: 'check-health' };
    case 'failed-unchanged':
      return {
        type: 'rollback',
        mustFix: withOutput('The deploy hook failed before changing production (exit 1).', verdict.output),
      };
    case 'failed-restored':
      return {
        type: 'rollback',
        mustFix: withOutput(
          'The deploy hook failed after changing production and restored the previous version (exit 2).',
          verdict.output,
        ),
      };
    case 'unknown':
      return { type: 'escalate', reason: `production state unknown: ${verdict.reason}` };
    case 'not-run':
      return { type: 'escalate', reason: `${verdict.reason}; production was not changed` };
  }
}

/**
 * After the hook ran again with the previous image because health failed (`healthReason`). Only
 * a clean exit 0 restores a known state; then the task goes back to development with the reason.
 */
export function afterRestoreHook(
  verdict: HookVerdict,
  healthReason: string,
): Exclude<DeployNext, { type: 'check-health' }> {
  if (verdict.type === 'deployed')
    return {
      type: 'rollback',
      mustFix: `Production health failed after the deploy, so the previous image was restored: ${healthReason}`,
    };
  const why =
    verdict.type === 'unknown' || verdict.type === 'not-run'
      ? verdict.reason
      : `the restoring hook run ${verdict.type === 'failed-unchanged' ? 'failed before changing anything (exit 1)' : 'failed and restored (exit 2)'}`;
  return {
    type: 'escalate',
    reason: `production health failed (${healthReason}) and restoring the previous image did not succeed: ${why}`,
  };
}

/** Health failed and there is nothing to restore (first deploy): a person decides. */
export function noPreviousImage(healthReason: string): DeployNext {
  return {
    type: 'escalate',
    reason: `production health failed after the first deploy and there is no previous image to restore: ${healthReason}`,
  };
}

function withOutput(head: string, output: string): string {
  return output.trim() ? `${head}\n\n${output.trim()}` : head;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
