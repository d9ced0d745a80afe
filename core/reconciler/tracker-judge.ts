/**
 * Tracker side, for one task linked to a tracker issue, against the pass's snapshot (design §9).
 * State names mean what they mean to the webhook path (core/inbound/tracker-state-meaning.ts):
 * - the tracker failed, or its issue was not read this pass: skip (never advance on a guess);
 * - the issue is in a blocked or needs-input state: skip, whatever the task's flag says (the blocked
 *   webhook may be the one that was lost), and the block itself is never replayed;
 * - the task is flagged blocked but the issue left those states: replay the unblock;
 * - the BRD awaits approval and the issue sits in an Approved or Rejected state set after the
 *   approval was requested: replay the decision. A state older than the request belongs to an
 *   earlier round (or to nobody) and is not replayed, so a Rejected state left in place cannot
 *   reject every new BRD in a loop.
 * Started needs nothing from the engine, so it is not replayed; later probes may still act.
 */
import type { Task } from '../domain/task.ts';
import { isBlockingState, meaningOf } from '../inbound/tracker-state-meaning.ts';
import { pendingApproval } from '../store/approval-repo.ts';
import type { Store } from '../store/store.ts';
import { NOTHING, skip, type ProbeResult } from './probe.ts';
import type { ProjectView } from './tracker-walk.ts';

/** What the tracker side makes of one tracked task, from the pass's view of its project. */
export async function judgeTrackedTask(store: Store, task: Task, externalId: string, view: ProjectView): Promise<ProbeResult> {
  if (view.type === 'error') return skip(`tracker error: ${view.reason.slice(0, 160)}`);
  if (view.type === 'unread') return skip('tracker not read this pass (call budget); next pass');
  const issue = view.issues.get(externalId);
  if (!issue) return skip(view.complete ? 'issue not found in the tracker' : 'issue not read this pass (call budget); next pass');
  if (!issue.state) return skip('tracker state unknown');
  const stateName = issue.state.name;
  // Blocked wins over any other word in the name: a state that could mean both lets nothing through.
  if (isBlockingState(stateName)) return skip(`"${stateName}" in the tracker`);
  const meaning = meaningOf(issue.state);
  if (task.blocked) {
    return {
      type: 'unblock',
      reason: `no longer blocked in the tracker ("${stateName}")`,
      events: [{ type: 'TrackerStateChanged', key: `reconciler:unblocked:${task.id}:${task.version}`, taskId: task.id, group: 'unblocked', actor: 'reconciler' }],
    };
  }
  if ((meaning === 'approved' || meaning === 'rejected') && task.stage === 'analysis' && task.phase === 'awaiting-approval') {
    const approval = await pendingApproval(store.db, task.id, 'brd');
    if (!approval || issue.updatedAt < approval.createdAt) return NOTHING;
    return {
      type: 'unblock',
      reason: `BRD ${meaning} in the tracker ("${stateName}")`,
      events: [{ type: 'TrackerStateChanged', key: `reconciler:tracker:${task.id}:${approval.id}:${meaning}`, taskId: task.id, group: meaning, actor: 'reconciler' }],
    };
  }
  return NOTHING;
}
