/**
 * A task flagged blocked (the tracker said blocked or needs input) is never advanced by the
 * reconciler. The candidate query already leaves such tasks out while
 * ORCH_RECONCILE_SKIP_BLOCKED_ENABLED is on; with it off they are examined, but only the tracker
 * probe may act on them (replaying the unblock it can see) and this guard stops every later probe.
 */
import { NOTHING, skip, type TaskProbe } from './probe.ts';

/** Skips a task flagged blocked, so no later probe can advance it. */
export const blockedGuard: TaskProbe = (task) => (task.blocked ? skip('blocked in the tracker') : NOTHING);
