/**
 * core's TrackerReader over Plane: one page of a project's work items per call (cursor pagination,
 * newest first), with state and label ids resolved to names. States come from the Plane client's
 * cache and labels from a cache here; either is reloaded at most once per page, when the page names
 * an id it does not know, and every request counts in the page's `calls`.
 */
import { PermanentError } from '../../core/errors.ts';
import type { TrackerIssue, TrackerIssuePage, TrackerReader } from '../../core/ports/tracker-reader.ts';
import { HttpClient } from '../http-client/http-client.ts';
import type { PlaneClient, PlaneClientOptions, PlaneState, PlaneWorkItem } from './plane-client.ts';
import { readPage, readWorkItem } from './plane-wire.ts';
import { planeLabelNames, type LabelNames } from './plane-label-names.ts';

/** The Plane client's options plus what the reader adds. */
export interface PlaneTrackerReaderOptions extends PlaneClientOptions {
  /** The client whose state cache is shared. */
  readonly client: Pick<PlaneClient, 'states' | 'invalidateStates'>;
  /** Browser base URL (PLANE_WEB_URL) for issue links; none: no link. */
  readonly webUrl?: string | null;
  /** Work items per page; default 100. */
  readonly perPage?: number;
  /** Replaces the label lookup (default: Plane's labels endpoint). */
  readonly labelNames?: LabelNames;
}

/** TrackerReader over Plane's API v1. */
export class PlaneTrackerReader implements TrackerReader {
  private readonly http: HttpClient;
  private readonly labelNames: LabelNames;
  private readonly states = new Map<string, ReadonlyMap<string, PlaneState>>();
  private readonly labels = new Map<string, ReadonlyMap<string, string>>();

  constructor(private readonly options: PlaneTrackerReaderOptions) {
    this.http = new HttpClient({
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/v1/workspaces/${encodeURIComponent(options.workspace)}`,
      headers: { 'X-API-Key': options.apiKey },
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      secrets: [options.apiKey],
      now: options.now,
    });
    this.labelNames = options.labelNames ?? planeLabelNames(this.http);
  }

  async issuesPage(projectId: string, cursor: string | null): Promise<TrackerIssuePage> {
    const planeProjectId = this.options.projectIds[projectId];
    if (!planeProjectId) throw new PermanentError(`reading issues of ${projectId}: no Plane project configured`);
    const operation = `reading work items of ${projectId}`;
    const response = await this.http.expect(
      operation,
      { method: 'GET', path: `/projects/${encodeURIComponent(planeProjectId)}/work-items/`, query: { per_page: this.options.perPage ?? 100, cursor: cursor ?? undefined } },
      [200],
    );
    const page = readPage(response.body);
    if (!page) throw this.http.unexpected(operation, 'no results list');
    const items = page.results.map(readWorkItem);
    if (items.some((item) => item === null)) throw this.http.unexpected(operation, 'a work item without id, project or sequence id');
    const workItems = items as PlaneWorkItem[];
    if (page.hasNext && (!page.nextCursor || page.nextCursor === cursor)) throw this.http.unexpected(operation, `next_page_results without a new next_cursor`);
    let calls = 1;
    const states = await this.statesFor(planeProjectId, workItems, () => (calls += 1));
    const labels = await this.labelsFor(planeProjectId, workItems, () => (calls += 1));
    return { issues: workItems.map((item) => this.issue(item, states, labels)), next: page.hasNext ? page.nextCursor : null, calls };
  }

  private async statesFor(planeProjectId: string, items: readonly PlaneWorkItem[], count: () => void): Promise<ReadonlyMap<string, PlaneState>> {
    const known = this.states.get(planeProjectId);
    if (known && items.every((item) => known.has(item.stateId))) return known;
    if (known) this.options.client.invalidateStates(planeProjectId);
    count();
    const loaded = new Map((await this.options.client.states(planeProjectId)).map((s) => [s.id, s]));
    this.states.set(planeProjectId, loaded);
    return loaded;
  }

  private async labelsFor(planeProjectId: string, items: readonly PlaneWorkItem[], count: () => void): Promise<ReadonlyMap<string, string>> {
    const known = this.labels.get(planeProjectId) ?? new Map<string, string>();
    if (items.every((item) => item.labelIds.every((id) => known.has(id)))) return known;
    count();
    const loaded = await this.labelNames(planeProjectId);
    this.labels.set(planeProjectId, loaded);
    return loaded;
  }

  private issue(item: PlaneWorkItem, states: ReadonlyMap<string, PlaneState>, labels: ReadonlyMap<string, string>): TrackerIssue {
    const state = states.get(item.stateId);
    const web = this.options.webUrl?.replace(/\/+$/, '');
    return {
      id: item.id,
      sequenceId: item.sequenceId,
      title: item.name,
      descriptionHtml: item.descriptionHtml,
      state: state ? { name: state.name, group: state.group } : null,
      labels: item.labelIds.flatMap((id) => labels.get(id) ?? []),
      createdAt: epoch(item.createdAt),
      updatedAt: epoch(item.updatedAt),
      createdBy: item.createdBy,
      url: web ? `${web}/${encodeURIComponent(this.options.workspace)}/projects/${item.projectId}/issues/${item.id}` : null,
    };
  }
}

function epoch(text: string): number {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : 0;
}
