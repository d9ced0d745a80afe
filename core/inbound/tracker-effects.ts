/**
 * Tracker facts → engine events, the same for every tracker (Plane, GitHub Issues; ADR 0042, 0044; start rule: ADR 0043):
 * - an issue of a configured project, carrying the project's label when one is set, that its start
 *   rule lets start (`startOn`: at once, or in a state, or with a label) → TaskRequested with the
 *   tracker's number as the task number; atomic and idempotent by project + external id, so a
 *   duplicate delivery, the reconciler, or the webhook of an issue `/new` opened creates nothing;
 * - a state change of a task's issue → TrackerStateChanged (approved, rejected, blocked,
 *   unblocked, started, other); of an issue without a task, into the project's start state → the
 *   TaskRequested above; Conveyor's own changes are skipped (see tracker-check.ts);
 * - a decision (a GitHub `approved`/`rejected` label) → TrackerStateChanged.
 */
import { mapInOrder } from '../map-in-order.ts';
import type { ProjectConfig } from '../config/projects.ts';
import { describeStartOn, startsNow, startsOnState } from '../config/start-on.ts';
import { trackerOf } from '../config/tracker-of.ts';
import { findTaskByExternal } from '../store/task-repo.ts';
import { emit, handled, type DeliveryResult, type EffectContext } from './delivery-effects.ts';
import type { TrackerFact, TrackerIssueFields } from './inbound-fact.ts';
import { projectOfTracker } from './task-finder.ts';
import type { TrackerCheck } from './tracker-check.ts';
import { trackerGroupsFor } from './tracker-state-meaning.ts';

type StateChanged = Extract<TrackerFact, { type: 'tracker-state-changed' }>;

/** Apply a tracker fact inside the delivery's transaction. */
export async function applyTrackerFact(ctx: EffectContext, fact: TrackerFact, check: TrackerCheck): Promise<DeliveryResult> {
  const project = projectOfTracker(ctx.projects, fact.tracker, fact.scope);
  if (!project) return { type: 'ignored', reason: `no project tracks ${fact.tracker} ${fact.scope}` };
  if (fact.type === 'tracker-decision') {
    const task = await findTaskByExternal(ctx.tx, project.id, fact.issueId);
    if (!task) return { type: 'unresolved', reason: `no task for ${fact.tracker} issue ${fact.issueId} in ${project.id}` };
    return handled([await emit(ctx, { type: 'TrackerStateChanged', key: ctx.key, taskId: task.id, group: fact.decision, actor: ctx.actor })]);
  }
  if (fact.type === 'tracker-state-changed') return await changeState(ctx, fact, project, check);
  const stateName = fact.state?.name ?? (check.type === 'state' ? (check.state?.name ?? null) : null);
  return await requestTask(ctx, fact, project, stateName);
}

/** TaskRequested for an eligible issue whose start rule is met; ignored (with why) otherwise. */
async function requestTask(ctx: EffectContext, issue: TrackerIssueFields, project: ProjectConfig, stateName: string | null): Promise<DeliveryResult> {
  const label = trackerOf(project)?.label;
  if (label && !issue.labels.some((name) => name.toLowerCase() === label.toLowerCase())) {
    return { type: 'ignored', reason: `${issue.tracker} issue ${issue.issueId} does not carry the label "${label}"` };
  }
  if (!startsNow(project.startOn, { labels: issue.labels, stateName })) {
    return { type: 'ignored', reason: `${issue.tracker} issue ${issue.issueId} waits for ${describeStartOn(project.startOn)} to start` };
  }
  return handled([
    await emit(ctx, {
      type: 'TaskRequested',
      key: ctx.key,
      projectId: project.id,
      title: issue.title,
      description: issue.description,
      source: issue.tracker,
      externalId: issue.issueId,
      ...(issue.url ? { externalUrl: issue.url } : {}),
      ...(issue.number !== null && Number.isInteger(issue.number) && issue.number > 0 ? { number: issue.number } : {}),
      ...(issue.createdBy ? { requester: `${issue.tracker}:${issue.createdBy}` } : {}),
      actor: ctx.actor,
    }),
  ]);
}

async function changeState(ctx: EffectContext, fact: StateChanged, project: ProjectConfig, check: TrackerCheck): Promise<DeliveryResult> {
  if (check.type === 'own-change') return { type: 'ignored', reason: check.reason };
  const to = check.type === 'states' ? check.to : { name: fact.to.name, group: fact.to.group };
  const task = await findTaskByExternal(ctx.tx, project.id, fact.issueId);
  if (!task) {
    // Moved into the start state: the issue starts now (the issue is as the delivery serialised it).
    if (startsOnState(project.startOn)) return await requestTask(ctx, fact, project, to.name);
    return { type: 'unresolved', reason: `no task for ${fact.tracker} issue ${fact.issueId} in ${project.id}` };
  }
  const from = check.type === 'states' ? check.from : null;
  const groups = trackerGroupsFor({ from, to, wasBlocked: task.blocked });
  return handled(
    await mapInOrder(groups, (group) =>
      emit(ctx, {
        type: 'TrackerStateChanged',
        key: groups.length === 1 ? ctx.key : `${ctx.key}:${group}`,
        taskId: task.id,
        group,
        actor: ctx.actor,
      }),
    ),
  );
}
