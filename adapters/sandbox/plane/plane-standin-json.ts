/**
 * The Plane stand-in's API objects with the keys and key order of Plane's serializers (StateSerializer,
 * IssueSerializer, IssueExpandSerializer for webhooks, IssueCommentSerializer), and the offset
 * paginator's cursor envelope (utils/paginator.py).
 */
import { PyFloat } from './python-json.ts';
import type { StandinComment, StandinState, StandinWorkItem } from './plane-standin-model.ts';
import type { PlaneStandinState } from './plane-standin-state.ts';

/** StateSerializer. */
export function stateJson(state: StandinState, world: PlaneStandinState): Record<string, unknown> {
  return {
    id: state.id,
    created_at: state.createdAt,
    updated_at: state.createdAt,
    deleted_at: null,
    name: state.name,
    description: '',
    color: state.color,
    slug: state.slug,
    sequence: new PyFloat(state.sequence),
    group: state.group,
    is_triage: state.isTriage,
    default: state.isDefault,
    external_source: null,
    external_id: null,
    created_by: world.users.ui.id,
    updated_by: null,
    project: state.projectId,
    workspace: world.workspaceId,
  };
}

/** IssueSerializer as the API returns it (`state`, `labels`, `assignees` as UUIDs). */
export function workItemJson(item: StandinWorkItem, world: PlaneStandinState): Record<string, unknown> {
  return {
    id: item.id,
    type_id: null,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    deleted_at: null,
    point: null,
    name: item.name,
    description_html: item.descriptionHtml,
    description_binary: null,
    priority: item.priority,
    start_date: null,
    target_date: null,
    sequence_id: item.sequenceId,
    sort_order: new PyFloat(item.sortOrder),
    completed_at: item.completedAt,
    archived_at: null,
    is_draft: false,
    external_source: null,
    external_id: null,
    created_by: item.createdBy,
    updated_by: item.updatedBy,
    project: item.projectId,
    workspace: world.workspaceId,
    parent: null,
    state: item.stateId,
    estimate_point: null,
    type: null,
    assignees: item.assigneeIds,
    labels: item.labelIds,
  };
}

/** IssueExpandSerializer, the `data` of an `issue` webhook (state, labels and assignees expanded). */
export function expandedWorkItemJson(
  item: StandinWorkItem,
  world: PlaneStandinState,
): Record<string, unknown> {
  const project = world.project(item.projectId);
  const state = project.states.find((s) => s.id === item.stateId);
  const labels = [...project.labels.values()].filter((label) => item.labelIds.includes(label.id));
  const people = [world.users.api, world.users.ui];
  const stripped = item.descriptionHtml.replace(/<[^>]*>/g, '').trim();
  return {
    id: item.id,
    labels: labels.map((label) => ({ id: label.id, name: label.name, color: label.color })),
    assignees: item.assigneeIds.map((id) => people.find((p) => p.id === id) ?? { id }),
    state: state ? { id: state.id, name: state.name, color: state.color, group: state.group } : null,
    description: {},
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    deleted_at: null,
    point: null,
    name: item.name,
    description_json: {},
    description_html: item.descriptionHtml,
    description_stripped: stripped || null,
    description_binary: null,
    priority: item.priority,
    start_date: null,
    target_date: null,
    sequence_id: item.sequenceId,
    sort_order: new PyFloat(item.sortOrder),
    completed_at: item.completedAt,
    archived_at: null,
    is_draft: false,
    external_source: null,
    external_id: null,
    created_by: item.createdBy,
    updated_by: item.updatedBy,
    project: item.projectId,
    workspace: world.workspaceId,
    parent: null,
    estimate_point: null,
    type: null,
  };
}

/** IssueCommentSerializer. */
export function commentJson(comment: StandinComment, world: PlaneStandinState): Record<string, unknown> {
  return {
    id: comment.id,
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    deleted_at: null,
    comment_stripped: comment.html.replace(/<[^>]*>/g, ''),
    comment_html: comment.html,
    attachments: [],
    access: 'INTERNAL',
    external_source: comment.externalSource,
    external_id: comment.externalId,
    edited_at: null,
    created_by: comment.actorId,
    updated_by: null,
    project: comment.projectId,
    workspace: world.workspaceId,
    issue: comment.issueId,
    actor: comment.actorId,
  };
}

/** A page request that Plane's paginator rejects, with its DRF `detail`. */
export interface PageError {
  readonly error: string;
}

/**
 * Plane's OffsetPaginator over `all` (already ordered): cursor `<per_page>:<page>:<is_prev>`,
 * `next_cursor` always set, `next_page_results` only true when another page exists.
 */
export function cursorPage(
  all: readonly unknown[],
  perPageParam: string | undefined,
  cursorParam: string | undefined,
): Record<string, unknown> | PageError {
  const perPage = perPageParam === undefined ? 1000 : Number(perPageParam);
  if (!Number.isInteger(perPage) || perPage < 1) return { error: 'Invalid per_page parameter.' };
  if (perPage > 1000) return { error: 'Invalid per_page value. Cannot exceed 1000.' };
  const bits = (cursorParam ?? `${perPage}:0:0`).split(':');
  const [value = '', pageBit = '', prevBit = ''] = bits;
  if (
    bits.length !== 3 ||
    !/^-?\d+(\.\d+)?$/.test(value) ||
    !/^-?\d+$/.test(pageBit) ||
    !/^-?\d+$/.test(prevBit)
  ) {
    return { error: 'Invalid cursor parameter.' };
  }
  const page = Number(pageBit);
  const offset = page * perPage;
  if (offset < 0) return { error: 'Error in parsing' };
  const results = all.slice(offset, offset + perPage);
  const hasNext = all.length > offset + perPage;
  return {
    grouped_by: null,
    sub_grouped_by: null,
    total_count: all.length,
    next_cursor: `${perPage}:${page + 1}:0`,
    prev_cursor: `${perPage}:${page - 1}:1`,
    next_page_results: hasNext,
    prev_page_results: page > 0,
    count: results.length,
    total_pages: all.length > 0 ? Math.ceil(all.length / perPage) : 0,
    total_results: all.length,
    extra_stats: null,
    results,
  };
}
