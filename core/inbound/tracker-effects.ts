/**
 * Tracker facts beyond Plane (GitHub Issues, ADR 0042) → engine events, through the same paths as
 * Plane's: an issue carrying the project's label → TaskRequested with the issue number as the task
 * number (atomic and idempotent by project + external id, so a duplicate delivery or the webhook
 * of an issue `/new` opened creates nothing); an `approved`/`rejected` label → TrackerStateChanged.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { findTaskByExternal } from '../store/task-repo.ts';
import { emit, handled, type DeliveryResult, type EffectContext } from './delivery-effects.ts';
import type { TrackerFact } from './inbound-fact.ts';

/** The project whose tracker is the issues of `repo`. */
export function projectOfIssues(projects: ReadonlyMap<string, ProjectConfig>, repo: string): ProjectConfig | undefined {
  return [...projects.values()].find((p) => p.github?.issues === true && p.repo.toLowerCase() === repo.toLowerCase());
}

/** Apply a tracker fact inside the delivery's transaction. */
export async function applyTrackerFact(ctx: EffectContext, fact: TrackerFact): Promise<DeliveryResult> {
  const project = projectOfIssues(ctx.projects, fact.repo);
  if (!project) return { type: 'ignored', reason: `no project uses the issues of ${fact.repo} as its tracker` };
  if (fact.type === 'tracker-decision') {
    const task = await findTaskByExternal(ctx.tx, project.id, fact.issueId);
    if (!task) return { type: 'unresolved', reason: `no task for issue #${fact.issueId} in ${project.id}` };
    return handled([await emit(ctx, { type: 'TrackerStateChanged', key: ctx.key, taskId: task.id, group: fact.decision, actor: ctx.actor })]);
  }
  const label = project.github?.label;
  if (label && !fact.labels.some((name) => name.toLowerCase() === label.toLowerCase())) {
    return { type: 'ignored', reason: `issue #${fact.issueId} does not carry the label "${label}"` };
  }
  return handled([
    await emit(ctx, {
      type: 'TaskRequested',
      key: ctx.key,
      projectId: project.id,
      title: fact.title,
      description: fact.description,
      source: fact.tracker,
      externalId: fact.issueId,
      ...(fact.url ? { externalUrl: fact.url } : {}),
      number: fact.number,
      ...(fact.createdBy ? { requester: `${fact.tracker}:${fact.createdBy}` } : {}),
      actor: ctx.actor,
    }),
  ]);
}
