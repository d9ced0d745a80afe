/**
 * The outbound Plane API v1 client. Implements core's TrackerPort (comment, move to a state group)
 * and adds the reads the reconciler needs: states, work items by id or key, and every work item of a
 * project through cursor pagination. Plane answers 429 beyond its per-key rate; that becomes a
 * RetryableError with the delay Plane asked for — the client never sleeps on its own.
 */
import { PermanentError } from '../../core/errors.ts';
import type { TrackerPort } from '../../core/ports/tracker.ts';
import { HttpClient } from '../http-client/http-client.ts';
import { cursorPages } from './plane-pages.ts';
import {
  readId,
  readState,
  readWorkItem,
  type PlaneState,
  type PlaneWorkItem,
  type StateGroup,
} from './plane-wire.ts';

export type { PlaneState, PlaneWorkItem, StateGroup } from './plane-wire.ts';

/** How to reach one Plane workspace. */
export interface PlaneClientOptions {
  /** Plane API base URL without `/api/v1` (PLANE_API_URL). */
  readonly baseUrl: string;
  /** `plane_api_…` key (PLANE_API_KEY); sent as `X-API-Key`, never logged. */
  readonly apiKey: string;
  /** Workspace slug (PLANE_WORKSPACE). */
  readonly workspace: string;
  /** Conveyor project id → Plane project UUID (from the projects file). */
  readonly projectIds: Readonly<Record<string, string>>;
  /** Per-request timeout; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Replaceable for tests. */
  readonly fetch?: typeof fetch;
  /** Clock for `X-RateLimit-Reset`; default `Date.now`. */
  readonly now?: () => number;
}

/** The user an API key belongs to (Plane's UserLiteSerializer). */
export interface PlaneUser {
  readonly id: string;
  readonly displayName: string;
}

/** What posting a comment came to; a duplicate external id is success. */
export type CommentOutcome =
  { type: 'created'; id: string | null } | { type: 'duplicate'; id: string | null };

/** What a move came to; an item already in a state of the group is left where it is. */
export type MoveOutcome =
  { type: 'moved'; fromStateId: string; toStateId: string } | { type: 'unchanged'; stateId: string };

const SOURCE = 'conveyor';
const STATES_PER_PAGE = 100;

/** Plane REST client. */
export class PlaneClient implements TrackerPort {
  private readonly http: HttpClient;
  /** `/api/v1` itself: the few routes outside the workspace (`users/me/`). */
  private readonly root: HttpClient;
  private readonly stateCache = new Map<string, Promise<PlaneState[]>>();

  constructor(private readonly options: PlaneClientOptions) {
    const api = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    const connection = {
      headers: { 'X-API-Key': options.apiKey },
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      secrets: [options.apiKey],
      now: options.now,
    };
    this.http = new HttpClient({
      ...connection,
      baseUrl: `${api}/workspaces/${encodeURIComponent(options.workspace)}`,
    });
    this.root = new HttpClient({ ...connection, baseUrl: api });
  }

  /** The key's own user (`GET /api/v1/users/me/`): the actor of every change Conveyor makes through the API. */
  async me(): Promise<PlaneUser> {
    const operation = "reading the API key's user";
    const response = await this.root.expect(operation, { method: 'GET', path: '/users/me/' }, [200]);
    const body = response.body as { id?: unknown; display_name?: unknown } | null;
    if (typeof body?.id !== 'string' || body.id === '')
      throw this.root.unexpected(operation, 'a user without id');
    return { id: body.id, displayName: typeof body.display_name === 'string' ? body.display_name : '' };
  }

  /** The project's states (triage excluded by the API), ordered by sequence; cached per project. */
  async states(planeProjectId: string): Promise<PlaneState[]> {
    let cached = this.stateCache.get(planeProjectId);
    if (!cached) {
      cached = this.fetchStates(planeProjectId);
      this.stateCache.set(planeProjectId, cached);
      // A failed load must not stay cached.
      void cached.catch(() => this.stateCache.delete(planeProjectId));
    }
    return cached;
  }

  /** Forgets cached states (all projects, or one). */
  invalidateStates(planeProjectId?: string): void {
    if (planeProjectId) this.stateCache.delete(planeProjectId);
    else this.stateCache.clear();
  }

  /** The first state of `group` by sequence, or null when the project has none. */
  async stateForGroup(planeProjectId: string, group: StateGroup): Promise<PlaneState | null> {
    return (await this.states(planeProjectId)).find((state) => state.group === group) ?? null;
  }

  /** A state by UUID; reloads once when the cache does not know it (states can be added). */
  async stateById(planeProjectId: string, stateId: string): Promise<PlaneState | null> {
    const known = (await this.states(planeProjectId)).find((state) => state.id === stateId);
    if (known) return known;
    this.invalidateStates(planeProjectId);
    return (await this.states(planeProjectId)).find((state) => state.id === stateId) ?? null;
  }

  /** A work item by its human key (`SHOP-42`), or null when it does not exist. */
  async workItemByKey(key: string): Promise<PlaneWorkItem | null> {
    if (!/^[A-Za-z0-9_]+-\d+$/.test(key))
      throw new PermanentError(`reading work item ${key}: not a work item key`);
    return this.readItem(`reading work item ${key}`, `/work-items/${encodeURIComponent(key)}/`);
  }

  /** A work item by UUID, or null when it does not exist. */
  async workItem(planeProjectId: string, workItemId: string): Promise<PlaneWorkItem | null> {
    return this.readItem(`reading work item ${workItemId}`, `${itemPath(planeProjectId, workItemId)}/`);
  }

  /** Every work item of the project (newest first), page by page until `next_page_results` is false. */
  async *listWorkItems(
    planeProjectId: string,
    options: { perPage?: number } = {},
  ): AsyncGenerator<PlaneWorkItem> {
    const operation = `listing work items of project ${planeProjectId}`;
    const path = `${projectPath(planeProjectId)}/work-items/`;
    for await (const value of cursorPages(this.http, operation, path, options.perPage ?? 100)) {
      const item = readWorkItem(value);
      if (!item) throw this.http.unexpected(operation, 'a work item without id, project or sequence id');
      yield item;
    }
  }

  /** TrackerPort: creates a work item titled `title` in the project's Plane project. */
  async createIssue(projectId: string, title: string): Promise<{ issueId: string; sequenceId: number }> {
    const operation = `creating a work item in ${projectId}`;
    const planeProjectId = this.planeProject(projectId);
    const response = await this.http.expect(operation, { method: 'POST', path: `${projectPath(planeProjectId)}/work-items/`, body: { name: title } }, [200, 201]);
    const item = readWorkItem(response.body);
    if (!item) throw this.http.unexpected(operation, 'a work item without id, project or sequence id');
    return { issueId: item.id, sequenceId: item.sequenceId };
  }

  /** TrackerPort: posts an HTML comment tagged with `externalId`; a repeat is a no-op. */
  async comment(projectId: string, issueId: string, externalId: string, html: string): Promise<void> {
    await this.postComment(projectId, issueId, externalId, html);
  }

  /** Posts an HTML comment tagged with `externalId` and says whether it was new; a repeat (409) is success. */
  async postComment(
    projectId: string,
    issueId: string,
    externalId: string,
    html: string,
  ): Promise<CommentOutcome> {
    const operation = `commenting on work item ${issueId} of ${projectId}`;
    const response = await this.http.send(operation, {
      method: 'POST',
      path: `${itemPath(this.planeProject(projectId), issueId)}/comments/`,
      body: { comment_html: html, external_id: externalId, external_source: SOURCE },
    });
    if (response.status === 201 || response.status === 200)
      return { type: 'created', id: readId(response.body) };
    if (response.status === 409) return { type: 'duplicate', id: readId(response.body) };
    throw this.http.failure(operation, response);
  }

  /** TrackerPort: moves the item to the project's state of `group`. */
  async moveToGroup(projectId: string, issueId: string, group: 'started' | 'completed'): Promise<void> {
    await this.moveItemToGroup(projectId, issueId, group);
  }

  /** Moves the item to the first state of `group`, unless it already sits in a state of that group. */
  async moveItemToGroup(projectId: string, issueId: string, group: StateGroup): Promise<MoveOutcome> {
    const planeProjectId = this.planeProject(projectId);
    const operation = `moving work item ${issueId} of ${projectId} to ${group}`;
    const target = await this.stateForGroup(planeProjectId, group);
    if (!target) throw new PermanentError(`${operation}: the project has no state in group ${group}`);
    const item = await this.workItem(planeProjectId, issueId);
    if (!item) throw new PermanentError(`${operation}: 404 work item not found`);
    const current = await this.stateById(planeProjectId, item.stateId);
    if (current?.group === group) return { type: 'unchanged', stateId: item.stateId };
    await this.http.expect(
      operation,
      { method: 'PATCH', path: `${itemPath(planeProjectId, issueId)}/`, body: { state: target.id } },
      [200],
    );
    return { type: 'moved', fromStateId: item.stateId, toStateId: target.id };
  }

  private async fetchStates(planeProjectId: string): Promise<PlaneState[]> {
    const operation = `listing states of project ${planeProjectId}`;
    const states: PlaneState[] = [];
    for await (const value of cursorPages(
      this.http,
      operation,
      `${projectPath(planeProjectId)}/states/`,
      STATES_PER_PAGE,
    )) {
      const state = readState(value);
      if (!state) throw this.http.unexpected(operation, 'a state without id or group');
      states.push(state);
    }
    return states.sort((a, b) => a.sequence - b.sequence);
  }

  private async readItem(operation: string, path: string): Promise<PlaneWorkItem | null> {
    const response = await this.http.send(operation, { method: 'GET', path });
    if (response.status === 404) return null;
    if (response.status !== 200) throw this.http.failure(operation, response);
    const item = readWorkItem(response.body);
    if (!item) throw this.http.unexpected(operation, 'not a work item');
    return item;
  }

  /** Conveyor project id → Plane project UUID; a Plane UUID from the map is accepted as is. */
  private planeProject(projectId: string): string {
    const mapped = this.options.projectIds[projectId];
    if (mapped) return mapped;
    if (Object.values(this.options.projectIds).includes(projectId)) return projectId;
    throw new PermanentError(`project ${projectId} has no Plane project configured`);
  }
}

function projectPath(planeProjectId: string): string {
  return `/projects/${encodeURIComponent(planeProjectId)}`;
}

function itemPath(planeProjectId: string, workItemId: string): string {
  return `${projectPath(planeProjectId)}/work-items/${encodeURIComponent(workItemId)}`;
}
