/**
 * Readers for the Plane API v1 shapes the client uses: workflow states, work items and the cursor
 * page envelope. They never throw; a body that is not the documented shape reads as null.
 */

/** A state group; `triage` is internal and never listed by the API. */
export type StateGroup = 'backlog' | 'unstarted' | 'started' | 'completed' | 'cancelled' | 'triage';

/** A workflow state of one project. Match by `group`, never by name. */
export interface PlaneState {
  readonly id: string;
  readonly name: string;
  readonly group: string;
  readonly sequence: number;
  readonly color: string;
  readonly isDefault: boolean;
}

/** A work item as the orchestrator needs it; `stateId` is a state UUID. */
export interface PlaneWorkItem {
  readonly id: string;
  readonly projectId: string;
  readonly sequenceId: number;
  readonly name: string;
  readonly stateId: string;
  readonly priority: string;
  readonly descriptionHtml: string;
  readonly labelIds: readonly string[];
  readonly assigneeIds: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
  /** The Plane user who created the work item. */
  readonly createdBy: string | null;
}

/** One page of a cursor-paginated list. `nextCursor` is always set; `hasNext` says whether to follow it. */
export interface PlanePage {
  readonly results: readonly unknown[];
  readonly nextCursor: string | null;
  readonly hasNext: boolean;
  readonly totalCount: number | null;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function ids(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  // Expanded responses carry objects ({id, …}); plain ones carry UUID strings.
  return value.map((item) => (typeof item === 'string' ? item : text(record(item)?.id))).filter(Boolean);
}

/** A state object, or null without an id and group. */
export function readState(value: unknown): PlaneState | null {
  const state = record(value);
  if (!state || typeof state.id !== 'string' || typeof state.group !== 'string') return null;
  return {
    id: state.id,
    name: text(state.name),
    group: state.group,
    sequence: typeof state.sequence === 'number' ? state.sequence : Number.MAX_SAFE_INTEGER,
    color: text(state.color),
    isDefault: state.default === true,
  };
}

/** A work item object, or null without an id, project and sequence id. */
export function readWorkItem(value: unknown): PlaneWorkItem | null {
  const item = record(value);
  if (!item || typeof item.id !== 'string' || typeof item.sequence_id !== 'number') return null;
  const state = typeof item.state === 'string' ? item.state : text(record(item.state)?.id);
  const project = typeof item.project === 'string' ? item.project : text(record(item.project)?.id);
  if (!project) return null;
  return {
    id: item.id,
    projectId: project,
    sequenceId: item.sequence_id,
    name: text(item.name),
    stateId: state,
    priority: text(item.priority),
    descriptionHtml: text(item.description_html),
    labelIds: ids(item.labels),
    assigneeIds: ids(item.assignees),
    createdAt: text(item.created_at),
    updatedAt: text(item.updated_at),
    updatedBy: typeof item.updated_by === 'string' ? item.updated_by : null,
    createdBy: typeof item.created_by === 'string' ? item.created_by : null,
  };
}

/** The paginator envelope, or null when `results` is missing. */
export function readPage(body: unknown): PlanePage | null {
  const page = record(body);
  if (!page || !Array.isArray(page.results)) return null;
  return {
    results: page.results,
    nextCursor: typeof page.next_cursor === 'string' ? page.next_cursor : null,
    hasNext: page.next_page_results === true,
    totalCount: typeof page.total_count === 'number' ? page.total_count : null,
  };
}

/** The `id` of a created object or of the existing one a 409 duplicate names (`{"error", "id"}`), or null. */
export function readId(body: unknown): string | null {
  const id = record(body)?.id;
  return typeof id === 'string' ? id : null;
}
