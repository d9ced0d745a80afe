/**
 * The Plane stand-in's in-memory workspace: projects seeded with Plane's default states (plus the
 * internal Triage state the API hides), work items with per-project sequence ids, labels, comments
 * unique per external id, and the two people who act on it — the API key's user and a teammate in
 * the browser. Every work item change is reported to `onActivity` (the stand-in turns that into
 * webhooks), once per changed field like Plane.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_STATES,
  planeTime,
  planeUser,
  type PlaneUser,
  type StandinComment,
  type StandinProject,
  type StandinState,
  type StandinWorkItem,
  type WorkItemActivity,
} from './plane-standin-model.ts';

/** The stand-in's workspace state and control helpers. */
export class PlaneStandinState {
  readonly workspaceId = randomUUID();
  /** The API key's owner (actor of API writes) and a teammate using the web UI. */
  readonly users = {
    api: planeUser('conveyor-bot', 'Conveyor', 'Bot'),
    ui: planeUser('priya.nair', 'Priya', 'Nair'),
  };
  readonly projects = new Map<string, StandinProject>();
  readonly items = new Map<string, StandinWorkItem>();
  readonly comments: StandinComment[] = [];
  /** Called on every work item change (set by the stand-in to send webhooks). */
  onActivity: (activity: WorkItemActivity) => void = () => undefined;
  private lastTime = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds a project with Plane's default states and the hidden Triage state. */
  addProject(input: { id?: string; identifier: string }): StandinProject {
    const project: StandinProject = {
      id: input.id ?? randomUUID(),
      identifier: input.identifier,
      states: [],
      labels: new Map(),
      nextSequence: 1,
    };
    this.projects.set(project.id, project);
    for (const state of DEFAULT_STATES) this.addState(project.id, state);
    this.addState(project.id, {
      name: 'Triage',
      color: '#4E5355',
      sequence: 65000,
      group: 'triage',
      isTriage: true,
    });
    return project;
  }

  /** Adds a workflow state (e.g. "In Review" in group started). */
  addState(
    projectId: string,
    input: {
      name: string;
      group: string;
      sequence?: number;
      color?: string;
      isDefault?: boolean;
      isTriage?: boolean;
    },
  ): StandinState {
    const project = this.project(projectId);
    const state: StandinState = {
      id: randomUUID(),
      projectId,
      name: input.name,
      color: input.color ?? '#60646C',
      slug: input.name.toLowerCase().replace(/\s+/g, '-'),
      sequence: input.sequence ?? Math.max(0, ...project.states.map((s) => s.sequence)) + 10000,
      group: input.group,
      isTriage: input.isTriage ?? false,
      isDefault: input.isDefault ?? false,
      createdAt: this.time(),
    };
    project.states.push(state);
    return state;
  }

  /** A state by id, name or group (first of the group by sequence). */
  findState(projectId: string, ref: string): StandinState | undefined {
    const states = [...this.project(projectId).states].sort((a, b) => a.sequence - b.sequence);
    return (
      states.find((s) => s.id === ref) ??
      states.find((s) => s.name === ref) ??
      states.find((s) => s.group === ref)
    );
  }

  /** Creates a work item as the teammate in the UI would (default state unless given). */
  createWorkItem(
    projectId: string,
    input: {
      name: string;
      descriptionHtml?: string;
      priority?: string;
      state?: string;
      labels?: string[];
      assigneeIds?: string[];
      actor?: PlaneUser;
    },
  ): StandinWorkItem {
    const project = this.project(projectId);
    const actor = input.actor ?? this.users.ui;
    const state = this.findState(projectId, input.state ?? '') ?? project.states.find((s) => s.isDefault)!;
    const at = this.time();
    const item: StandinWorkItem = {
      id: randomUUID(),
      projectId,
      sequenceId: project.nextSequence++,
      name: input.name,
      descriptionHtml: input.descriptionHtml ?? '<p></p>',
      priority: input.priority ?? 'none',
      stateId: state.id,
      labelIds: (input.labels ?? []).map((name) => this.label(projectId, name)),
      assigneeIds: input.assigneeIds ?? [],
      sortOrder: 65535,
      createdAt: at,
      updatedAt: at,
      createdBy: actor.id,
      updatedBy: null,
      completedAt: null,
    };
    this.items.set(item.id, item);
    this.onActivity({ action: 'created', item, field: null, oldValue: null, newValue: null, actor });
    return item;
  }

  /** Moves a work item to a state (id, name or group). UI moves report `state_id`, API moves `state`. */
  moveWorkItem(itemId: string, stateRef: string, by: 'ui' | 'api' = 'ui'): StandinWorkItem {
    const item = this.items.get(itemId);
    if (!item) throw new Error(`plane stand-in: no work item ${itemId}`);
    const state = this.findState(item.projectId, stateRef);
    if (!state) throw new Error(`plane stand-in: no state ${stateRef}`);
    const old = item.stateId;
    if (old === state.id) return item;
    const actor = this.users[by];
    Object.assign(item, { stateId: state.id, updatedAt: this.time(), updatedBy: actor.id });
    item.completedAt = state.group === 'completed' ? item.updatedAt : null;
    this.onActivity({
      action: 'updated',
      item,
      field: by === 'ui' ? 'state_id' : 'state',
      oldValue: old,
      newValue: state.id,
      actor,
    });
    return item;
  }

  /** Finds a work item by project identifier and sequence id (`SHOP-42`). */
  itemByKey(identifier: string, sequenceId: number): StandinWorkItem | undefined {
    const project = [...this.projects.values()].find((p) => p.identifier === identifier);
    return [...this.items.values()].find((i) => i.projectId === project?.id && i.sequenceId === sequenceId);
  }

  /** Adds a comment unless one with the same external id and source exists in the project. */
  addComment(input: Omit<StandinComment, 'id' | 'createdAt'>): {
    type: 'created' | 'duplicate';
    comment: StandinComment;
  } {
    const existing =
      input.externalId && input.externalSource
        ? this.comments.find(
            (c) =>
              c.projectId === input.projectId &&
              c.externalId === input.externalId &&
              c.externalSource === input.externalSource,
          )
        : undefined;
    if (existing) return { type: 'duplicate', comment: existing };
    const comment: StandinComment = { ...input, id: randomUUID(), createdAt: this.time() };
    this.comments.push(comment);
    return { type: 'created', comment };
  }

  /** Comments of one work item, oldest first. */
  commentsOf(issueId: string): StandinComment[] {
    return this.comments.filter((c) => c.issueId === issueId);
  }

  /** The id of a label by name, created on first use. */
  label(projectId: string, name: string): string {
    const labels = this.project(projectId).labels;
    const known = labels.get(name) ?? { id: randomUUID(), name, color: '#3A86FF' };
    labels.set(name, known);
    return known.id;
  }

  /** A project by id; throws for an unknown one (control helpers are programmer-facing). */
  project(projectId: string): StandinProject {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`plane stand-in: no project ${projectId}`);
    return project;
  }

  /** Strictly increasing timestamps, so newest-first order is stable even within one millisecond. */
  private time(): string {
    this.lastTime = Math.max(this.now(), this.lastTime + 1);
    return planeTime(this.lastTime);
  }
}
