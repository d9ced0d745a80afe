/**
 * The Plane stand-in's stored records (project, workflow state, work item, comment, user), the
 * activity record a change produces, Plane's default states for a new project, and its time format.
 */
import { randomUUID } from 'node:crypto';

/** A Plane user as webhooks expand it. */
export interface PlaneUser {
  readonly id: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
  readonly avatar: string;
  readonly avatar_url: string | null;
  readonly display_name: string;
}

/** A workflow state. */
export interface StandinState {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly color: string;
  readonly slug: string;
  readonly sequence: number;
  readonly group: string;
  readonly isTriage: boolean;
  readonly isDefault: boolean;
  readonly createdAt: string;
}

/** A work item. */
export interface StandinWorkItem {
  readonly id: string;
  readonly projectId: string;
  readonly sequenceId: number;
  name: string;
  descriptionHtml: string;
  priority: string;
  stateId: string;
  labelIds: string[];
  assigneeIds: string[];
  sortOrder: number;
  readonly createdAt: string;
  updatedAt: string;
  readonly createdBy: string;
  updatedBy: string | null;
  completedAt: string | null;
}

/** A comment. */
export interface StandinComment {
  readonly id: string;
  readonly projectId: string;
  readonly issueId: string;
  readonly html: string;
  readonly externalId: string | null;
  readonly externalSource: string | null;
  readonly actorId: string;
  readonly createdAt: string;
}

/** A project. */
export interface StandinProject {
  readonly id: string;
  readonly identifier: string;
  readonly states: StandinState[];
  readonly labels: Map<string, { id: string; name: string; color: string }>;
  nextSequence: number;
}

/** A change to a work item, as Plane's model_activity reports it. */
export interface WorkItemActivity {
  readonly action: 'created' | 'updated';
  readonly item: StandinWorkItem;
  readonly field: string | null;
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly actor: PlaneUser;
}

/** The states Plane creates for a new project (plus Triage, which the API never lists). */
export const DEFAULT_STATES = [
  { name: 'Backlog', color: '#60646C', sequence: 15000, group: 'backlog', isDefault: true },
  { name: 'Todo', color: '#60646C', sequence: 25000, group: 'unstarted', isDefault: false },
  { name: 'In Progress', color: '#F59E0B', sequence: 35000, group: 'started', isDefault: false },
  { name: 'Done', color: '#46A758', sequence: 45000, group: 'completed', isDefault: false },
  { name: 'Cancelled', color: '#9AA4BC', sequence: 55000, group: 'cancelled', isDefault: false },
];

/** A user with a fresh id, as Plane's webhooks expand it. */
export function planeUser(displayName: string, first: string, last: string): PlaneUser {
  const email = `${displayName}@plane.localhost`;
  return {
    id: randomUUID(),
    first_name: first,
    last_name: last,
    email,
    avatar: '',
    avatar_url: null,
    display_name: displayName,
  };
}

/** Plane's timestamp format (microseconds, UTC). */
export function planeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
