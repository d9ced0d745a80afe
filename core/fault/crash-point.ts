/**
 * Test-only fault injection (issue 8 §7): the fault suite kills Conveyor right after a side
 * effect and before the commit that records it, to show that the replay after a restart is
 * idempotent or harmless. Each effect site calls {@link crashPoint}; nothing happens unless the
 * composition root armed a hook, which it does only when ORCH_TEST_CRASH_AFTER is set (a variable
 * for the test harness, never for operators). Unset, every call is a no-op.
 */

/** The effects a crash can follow. */
/** `card` follows an edit of a posted card, `card-post` the first post of a task's card. */
export const CRASH_EFFECTS = ['push', 'pr', 'tracker-comment', 'approval-message', 'card', 'card-post'] as const;
export type CrashEffect = (typeof CRASH_EFFECTS)[number];

let hook: ((effect: CrashEffect) => void) | null = null;

/** Arm (or with null, disarm) the hook the effect sites call. */
export function armCrashPoint(next: ((effect: CrashEffect) => void) | null): void {
  hook = next;
}

/** An effect just happened and is not recorded yet; an armed hook may end the process here. */
export function crashPoint(effect: CrashEffect): void {
  hook?.(effect);
}
