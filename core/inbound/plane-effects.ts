/**
 * Plane facts → engine events (issue 4):
 * - issue created in a configured project (carrying the project's label, when one is set) →
 *   TaskRequested with the work item's sequence id as the task number;
 * - issue state changed → TrackerStateChanged for the task of that issue (approved, rejected,
 *   blocked, unblocked, started, other). Changes made by Conveyor's own API key are skipped: by
 *   actor id when Plane told us who we are, else every change made through the API.
 */
import { mapInOrder } from '../map-in-order.ts';
import type { ProjectConfig } from '../config/projects.ts';
import { findTaskByExternal } from '../store/task-repo.ts';
import { emit, handled, type DeliveryResult, type EffectContext } from './delivery-effects.ts';
import { htmlToText } from './html-text.ts';
import type { PlaneFact } from './inbound-fact.ts';
import { ask, type InboundLookups } from './inbound-lookups.ts';
import { madeThroughApi, type PlaneActivity } from './plane-activity.ts';
import { projectOfPlane } from './task-finder.ts';
import { trackerGroupsFor, type StateDescription } from './tracker-state-meaning.ts';

type Created = Extract<PlaneFact, { type: 'issue-created' }>;
type StateChanged = Extract<PlaneFact, { type: 'issue-state-changed' }>;

/** How links to Plane's web UI are built (PLANE_WEB_URL, PLANE_WORKSPACE). */
export interface PlaneLinks {
  readonly webUrl: string | null;
  readonly workspace: string | null;
}

/** A work item's browser link, when PLANE_WEB_URL is set. */
export function planeIssueUrl(links: PlaneLinks, planeProjectId: string, issueId: string): string | null {
  return links.webUrl && links.workspace ? `${links.webUrl}/${links.workspace}/projects/${planeProjectId}/issues/${issueId}` : null;
}

/** A state change made sense of before the transaction (Plane may be asked for state names). */
export type StateCheck =
  | { readonly type: 'none' }
  | { readonly type: 'own-change'; readonly reason: string }
  | { readonly type: 'states'; readonly from: StateDescription | null; readonly to: StateDescription };

/** For a state change: skip Conveyor's own, and learn the names of the old and new states. */
export async function checkStateChange(
  fact: PlaneFact,
  activity: PlaneActivity,
  lookups: InboundLookups,
  onError: (e: unknown) => void,
): Promise<StateCheck> {
  if (fact.type !== 'issue-state-changed') return { type: 'none' };
  const self = await ask(lookups.trackerSelfId, [], onError);
  if (self !== null && fact.actorId === self)
    return { type: 'own-change', reason: 'changed by Conveyor’s own API key' };
  if (self === null && madeThroughApi(activity))
    return { type: 'own-change', reason: 'changed through the API and Conveyor’s own Plane user is unknown' };
  const described = fact.stateName !== null ? { name: fact.stateName, group: fact.stateGroup } : null;
  const to = described ??
    (await ask(lookups.trackerState, [fact.planeProjectId, fact.newStateId], onError)) ?? {
      name: null,
      group: fact.stateGroup,
    };
  const from = fact.oldStateId
    ? await ask(lookups.trackerState, [fact.planeProjectId, fact.oldStateId], onError)
    : null;
  return { type: 'states', from, to };
}

/** Apply a Plane fact inside the delivery's transaction. */
export async function applyPlaneFact(
  ctx: EffectContext,
  fact: PlaneFact,
  check: StateCheck,
  links: PlaneLinks,
): Promise<DeliveryResult> {
  const project = projectOfPlane(ctx.projects, fact.planeProjectId);
  if (!project) return { type: 'ignored', reason: `Plane project ${fact.planeProjectId} is not configured` };
  return fact.type === 'issue-created'
    ? await requestTask(ctx, fact, project, links)
    : await changeState(ctx, fact, project, check);
}

async function requestTask(
  ctx: EffectContext,
  fact: Created,
  project: ProjectConfig,
  links: PlaneLinks,
): Promise<DeliveryResult> {
  const label = project.plane?.label;
  if (label && !fact.labels.some((name) => name.toLowerCase() === label.toLowerCase())) {
    return { type: 'ignored', reason: `work item ${fact.issueId} does not carry the label "${label}"` };
  }
  const externalUrl = planeIssueUrl(links, fact.planeProjectId, fact.issueId) ?? undefined;
  return handled([
    await emit(ctx, {
      type: 'TaskRequested',
      key: ctx.key,
      projectId: project.id,
      title: fact.name,
      description: htmlToText(fact.descriptionHtml),
      source: 'plane',
      externalId: fact.issueId,
      ...(externalUrl ? { externalUrl } : {}),
      ...(fact.sequenceId !== null && Number.isInteger(fact.sequenceId) && fact.sequenceId > 0
        ? { number: fact.sequenceId }
        : {}),
      ...(fact.createdBy ? { requester: `plane:${fact.createdBy}` } : {}),
      actor: ctx.actor,
    }),
  ]);
}

async function changeState(
  ctx: EffectContext,
  fact: StateChanged,
  project: ProjectConfig,
  check: StateCheck,
): Promise<DeliveryResult> {
  if (check.type === 'own-change') return { type: 'ignored', reason: check.reason };
  const task = await findTaskByExternal(ctx.tx, project.id, fact.issueId);
  if (!task)
    return { type: 'unresolved', reason: `no task for Plane work item ${fact.issueId} in ${project.id}` };
  const to = check.type === 'states' ? check.to : { name: fact.stateName, group: fact.stateGroup };
  const from = check.type === 'states' ? check.from : null;
  const groups = trackerGroupsFor({ from, to, wasBlocked: task.blocked });
  return handled(
    await mapInOrder(groups, async (group) =>
      await emit(ctx, {
        type: 'TrackerStateChanged',
        key: groups.length === 1 ? ctx.key : `${ctx.key}:${group}`,
        taskId: task.id,
        group,
        actor: ctx.actor,
      }),
    ),
  );
}
