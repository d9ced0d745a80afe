/**
 * One TrackerPort and TrackerReader over every configured tracker: a project with
 * `github.issues` (ADR 0042) goes to GitHub Issues, any other to Plane. A project whose tracker is
 * not configured fails with a message naming what to set.
 */
import type { ProjectConfig } from '../core/config/projects.ts';
import { PermanentError } from '../core/errors.ts';
import type { TrackerIssuePage, TrackerReader } from '../core/ports/tracker-reader.ts';
import type { TrackerPort } from '../core/ports/tracker.ts';

/** A tracker client as the router needs it. */
export type RoutedTracker = TrackerPort;

/** The clients and readers by tracker. */
export interface TrackerClients {
  readonly plane: { readonly port: TrackerPort; readonly reader: TrackerReader | null } | null;
  readonly github: (TrackerPort & TrackerReader) | null;
}

/** Routes tracker calls by project. */
export class TrackerRouter implements TrackerPort, TrackerReader {
  constructor(
    private readonly clients: TrackerClients,
    private readonly projects: readonly ProjectConfig[],
  ) {}

  comment(projectId: string, issueId: string, externalId: string, html: string): Promise<void> {
    return this.port(projectId).comment(projectId, issueId, externalId, html);
  }

  moveToGroup(projectId: string, issueId: string, group: 'started' | 'completed'): Promise<void> {
    return this.port(projectId).moveToGroup(projectId, issueId, group);
  }

  createIssue(projectId: string, title: string): Promise<{ readonly issueId: string; readonly sequenceId: number }> {
    return this.port(projectId).createIssue(projectId, title);
  }

  issuesPage(projectId: string, cursor: string | null): Promise<TrackerIssuePage> {
    if (this.usesGithub(projectId)) return this.github(projectId).issuesPage(projectId, cursor);
    const reader = this.clients.plane?.reader;
    if (!reader) throw new PermanentError(`reading issues of ${projectId}: Plane is not configured (PLANE_API_URL)`);
    return reader.issuesPage(projectId, cursor);
  }

  /** True when at least one tracker is configured. */
  get configured(): boolean {
    return this.clients.plane !== null || this.clients.github !== null;
  }

  private usesGithub(projectId: string): boolean {
    return this.projects.find((p) => p.id === projectId)?.github?.issues === true;
  }

  private github(projectId: string): TrackerPort & TrackerReader {
    if (!this.clients.github) throw new PermanentError(`tracker call for ${projectId}: its project uses GitHub Issues, which is not configured (GITHUB_TOKEN)`);
    return this.clients.github;
  }

  private port(projectId: string): TrackerPort {
    if (this.usesGithub(projectId)) return this.github(projectId);
    if (!this.clients.plane) throw new PermanentError(`tracker call for ${projectId}: Plane is not configured (PLANE_API_URL and PLANE_API_KEY)`);
    return this.clients.plane.port;
  }
}
