/**
 * GitHub Issues as the tracker (ADR 0042): core's TrackerPort and TrackerReader for projects with
 * `"github": { "issues": true }`, on the project's own repository. A task's `externalId` is the
 * issue number. Comments are idempotent through a hidden marker `<!-- conveyor:<externalId> -->`
 * looked for before posting; `started` adds the label `in-progress`, `completed` closes the issue.
 * Errors: 401 → PermanentError, rate limits → RetryableError with GitHub's wait, 410 (issues
 * disabled) → PermanentError naming the setting.
 */
import { PermanentError, type RetryableError } from '../../core/errors.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import type { TrackerIssue, TrackerIssuePage, TrackerReader } from '../../core/ports/tracker-reader.ts';
import type { TrackerPort } from '../../core/ports/tracker.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../http-client/http-client.ts';
import { githubHttp, type GithubClientOptions } from './github-client.ts';
import { githubFailure } from './github-failure.ts';
import { readIssue, readIssueList, type GithubIssue } from './github-issue-wire.ts';

/** The label `started` adds (ADR 0042). */
export const IN_PROGRESS_LABEL = 'in-progress';
const PER_PAGE = 100;
const MAX_PAGES = 50;

/** The hidden marker that makes a comment idempotent. */
export function commentMarker(externalId: string): string {
  return `<!-- conveyor:${externalId.replace(/--/g, '- -')} -->`;
}

/** GitHub Issues client for the projects that use it. */
export class GithubIssuesClient implements TrackerPort, TrackerReader {
  private readonly http: HttpClient;
  private readonly now: () => number;
  private readonly perPage: number;

  /** `perPage`: issues per reconciler page (default 100, GitHub's maximum). */
  constructor(
    options: GithubClientOptions & { readonly perPage?: number },
    private readonly projects: readonly ProjectConfig[],
  ) {
    this.now = options.now ?? Date.now;
    this.perPage = options.perPage ?? PER_PAGE;
    this.http = githubHttp(options, this.now);
  }

  /** Opens the issue with the project's label; its number numbers the task. */
  async createIssue(projectId: string, title: string): Promise<{ issueId: string; sequenceId: number }> {
    const { path, label } = this.target(projectId);
    const operation = `creating a GitHub issue in ${projectId}`;
    const issue = readIssue((await this.expect(operation, { method: 'POST', path: `${path}/issues`, body: { title, labels: label ? [label] : [] } }, [201])).body);
    if (!issue) throw this.http.unexpected(operation, 'no issue number');
    return { issueId: String(issue.number), sequenceId: issue.number };
  }

  /** Posts `html` with the marker unless a comment already carries it. */
  async comment(projectId: string, issueId: string, externalId: string, html: string): Promise<void> {
    const { path } = this.target(projectId);
    const marker = commentMarker(externalId);
    const operation = `commenting on GitHub issue #${issueId} of ${projectId}`;
    const comments = `${path}/issues/${encodeURIComponent(issueId)}/comments`;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.expect(operation, { method: 'GET', path: comments, query: { per_page: PER_PAGE, page } });
      const list = Array.isArray(response.body) ? (response.body as unknown[]) : null;
      if (!list) throw this.http.unexpected(operation, 'not a list of comments');
      if (list.some((c) => typeof (c as { body?: unknown } | null)?.body === 'string' && (c as { body: string }).body.includes(marker))) return;
      if (!/rel="next"/.test(response.headers.get('link') ?? '')) break;
    }
    await this.expect(operation, { method: 'POST', path: comments, body: { body: `${html}\n\n${marker}` } }, [201]);
  }

  /** `started` → label `in-progress` (open); `completed` → closed as completed. */
  async moveToGroup(projectId: string, issueId: string, group: 'started' | 'completed'): Promise<void> {
    const { path } = this.target(projectId);
    const issue = `${path}/issues/${encodeURIComponent(issueId)}`;
    if (group === 'started') {
      await this.expect(`marking GitHub issue #${issueId} of ${projectId} in progress`, { method: 'POST', path: `${issue}/labels`, body: { labels: [IN_PROGRESS_LABEL] } });
      return;
    }
    await this.expect(`closing GitHub issue #${issueId} of ${projectId}`, { method: 'PATCH', path: issue, body: { state: 'closed', state_reason: 'completed' } });
  }

  /** One page of the project's open issues carrying its label, newest first (`cursor`: a page number). */
  async issuesPage(projectId: string, cursor: string | null): Promise<TrackerIssuePage> {
    const { path, label } = this.target(projectId);
    const operation = `reading GitHub issues of ${projectId}`;
    const page = cursor ? Number(cursor) : 1;
    if (!Number.isInteger(page) || page < 1) throw new PermanentError(`${operation}: bad cursor "${cursor}"`);
    const response = await this.expect(operation, { method: 'GET', path: `${path}/issues`, query: { state: 'open', ...(label ? { labels: label } : {}), sort: 'created', direction: 'desc', per_page: this.perPage, page } });
    const issues = readIssueList(response.body);
    if (!issues) throw this.http.unexpected(operation, 'not a list of issues');
    const next = /rel="next"/.test(response.headers.get('link') ?? '') ? String(page + 1) : null;
    return { issues: issues.filter((i) => !i.isPull).map(trackerIssue), next, calls: 1 };
  }

  private target(projectId: string): { path: string; label: string | null } {
    const project = this.projects.find((p) => p.id === projectId);
    if (!project?.github?.issues) throw new PermanentError(`GitHub Issues call for ${projectId}: the project does not set github.issues`);
    const [owner = '', name = ''] = project.repo.split('/');
    return { path: `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`, label: project.github.label ?? null };
  }

  private async expect(operation: string, request: HttpRequest, ok: readonly number[] = [200]): Promise<HttpResponse> {
    const response = await this.http.send(operation, request);
    if (ok.includes(response.status)) return response;
    throw this.fail(operation, response);
  }

  private fail(operation: string, response: HttpResponse): RetryableError | PermanentError {
    if (response.status === 410) return new PermanentError(`${operation}: 410 Issues are disabled for this repository (Settings → Features → Issues)`);
    return githubFailure(this.http, operation, response, this.now);
  }
}

/** An issue as the reconciler reads it: labels `approved`/`rejected` name the state like Plane's. */
export function trackerIssue(issue: GithubIssue): TrackerIssue {
  const has = (name: string) => issue.labels.some((l) => l.toLowerCase() === name);
  const name = has('approved') ? 'Approved' : has('rejected') ? 'Rejected' : issue.state === 'closed' ? 'Closed' : has(IN_PROGRESS_LABEL) ? 'In Progress' : 'Open';
  const group = issue.state === 'closed' ? 'completed' : has(IN_PROGRESS_LABEL) ? 'started' : 'unstarted';
  return { id: String(issue.number), sequenceId: issue.number, title: issue.title, descriptionHtml: issue.body, state: { name, group }, labels: issue.labels, createdAt: issue.createdAt, updatedAt: issue.updatedAt, createdBy: issue.user, url: issue.htmlUrl };
}
