/**
 * The GitHub stand-in's Issues routes (REST "Issues", "Labels", "Comments"): create, get, list with
 * `labels`/`state` paged by `Link` headers, update (close/reopen), add/remove labels, comments.
 * GitHub's answers: 404 for a missing issue, 410 "Issues are disabled for this repo", 422 with an
 * `errors` list. Pull requests share the numbering but are not listed here (no labels on them).
 */
import type { Context, Hono } from 'hono';
import type { GithubResponder } from './github-standin-http.ts';
import { commentJson } from './github-standin-json.ts';
import type { GhIssue, GhRepo } from './github-standin-model.ts';

const REPO = '/repos/:owner/:repo';
const ISSUE = `${REPO}/issues/:number{[0-9]+}`;

const label = (name: string) => ({ id: 208045946 + name.length, node_id: 'MDU6TGFiZWwyMDgwNDU5NDY=', url: `https://api.github.com/labels/${encodeURIComponent(name)}`, name, color: 'f29513', default: false, description: null });

/** An issue as `GET /issues/{n}` returns it. */
export function issueJson(api: string, repo: GhRepo, issue: GhIssue): object {
  const user = { login: issue.user, id: issue.user.length * 1000 + 7, type: issue.user.endsWith('[bot]') ? 'Bot' : 'User' };
  return {
    id: issue.id,
    node_id: `I_kwDO${issue.id}`,
    url: `${api}/repos/${repo.fullName}/issues/${issue.number}`,
    repository_url: `${api}/repos/${repo.fullName}`,
    html_url: `https://github.com/${repo.fullName}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user,
    labels: issue.labels.map(label),
    locked: false,
    comments: 0,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: 'OWNER',
  };
}

const strings = (value: unknown): string[] | null => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value) : null);

/** Mounts the Issues routes on `app` (before the pull routes' comment route). */
export function githubIssueRoutes(app: Hono, r: GithubResponder): void {
  app.use(`${REPO}/issues/*`, async (c, next) => (r.repo(c).issuesEnabled ? next() : r.error(c, 410, 'Issues are disabled for this repo')));
  app.use(`${REPO}/issues`, async (c, next) => (r.repo(c).issuesEnabled ? next() : r.error(c, 410, 'Issues are disabled for this repo')));

  app.post(`${REPO}/issues`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    if (!body) return r.error(c, 400, 'Problems parsing JSON');
    const title = typeof body['title'] === 'string' ? body['title'] : '';
    if (!title) return r.invalid(c, 'Validation Failed', [{ resource: 'Issue', field: 'title', code: 'missing_field' }]);
    const labels = body['labels'] === undefined ? [] : strings(body['labels']);
    if (!labels) return r.invalid(c, 'Validation Failed', [{ resource: 'Issue', field: 'labels', code: 'invalid' }]);
    const issue = r.state.createIssue(repo, { title, body: typeof body['body'] === 'string' ? body['body'] : '', labels });
    return r.json(c, 201, issueJson(r.base, repo, issue), { location: `${r.base}/repos/${repo.fullName}/issues/${issue.number}` });
  });

  app.get(`${REPO}/issues`, (c) => {
    const repo = r.repo(c);
    const state = c.req.query('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) return r.invalid(c, 'Validation Failed', [{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    const wanted = (c.req.query('labels') ?? '').split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
    const all = repo.issues
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.number - a.number);
    return paged(c, r, all.map((i) => issueJson(r.base, repo, i)));
  });

  app.get(ISSUE, (c) => withIssue(c, r, (repo, issue) => r.json(c, 200, issueJson(r.base, repo, issue))));

  app.patch(ISSUE, async (c) => {
    const body = await r.body(c);
    if (!body) return r.error(c, 400, 'Problems parsing JSON');
    return withIssue(c, r, (repo, issue) => {
      const state = body['state'];
      if (state !== undefined && state !== 'open' && state !== 'closed') return r.invalid(c, 'Validation Failed', [{ resource: 'Issue', field: 'state', code: 'invalid' }]);
      const reason = body['state_reason'];
      const labels = body['labels'] === undefined ? undefined : strings(body['labels']);
      if (labels === null) return r.invalid(c, 'Validation Failed', [{ resource: 'Issue', field: 'labels', code: 'invalid' }]);
      r.state.updateIssue(repo, issue, {
        ...(state ? { state } : {}),
        ...(reason === 'completed' || reason === 'not_planned' ? { stateReason: reason } : {}),
        ...(typeof body['title'] === 'string' ? { title: body['title'] } : {}),
        ...(typeof body['body'] === 'string' ? { body: body['body'] } : {}),
        ...(labels ? { labels } : {}),
      });
      return r.json(c, 200, issueJson(r.base, repo, issue));
    });
  });

  app.post(`${ISSUE}/labels`, async (c) => {
    const body = await r.body(c);
    const names = body ? strings(body['labels']) : null;
    if (!names || names.length === 0) return r.invalid(c, 'Invalid request.\n\nNo subschema in "anyOf" matched.', []);
    return withIssue(c, r, (_repo, issue) => {
      r.state.addLabels(issue, names);
      return r.json(c, 200, issue.labels.map(label));
    });
  });

  app.delete(`${ISSUE}/labels/:name`, (c) =>
    withIssue(c, r, (_repo, issue) => {
      if (!r.state.removeLabel(issue, decodeURIComponent(c.req.param('name')))) return r.error(c, 404, 'Label does not exist');
      return r.json(c, 200, issue.labels.map(label));
    }),
  );

  app.get(`${ISSUE}/comments`, (c) =>
    withIssue(c, r, (repo, issue) => paged(c, r, repo.comments.filter((m) => m.issueNumber === issue.number).map((m) => commentJson(r.base, repo, m)))),
  );
}

function withIssue(c: Context, r: GithubResponder, then: (repo: GhRepo, issue: GhIssue) => Response): Response {
  const repo = r.repo(c);
  const issue = r.state.issue(repo, Number(c.req.param('number')));
  return issue ? then(repo, issue) : r.notFound(c);
}

/** `per_page` (max 100) and `page`, with `Link: <…>; rel="next"` (and "last") like GitHub. */
function paged(c: Context, r: GithubResponder, all: readonly object[]): Response {
  const perPage = Math.min(100, Math.max(1, Number(c.req.query('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (n: number, rel: string) => {
    const url = new URL(c.req.url);
    url.searchParams.set('page', String(n));
    return `<${r.base}${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const headers: Record<string, string> = page < last ? { link: `${link(page + 1, 'next')}, ${link(last, 'last')}` } : {};
  return r.json(c, 200, all.slice((page - 1) * perPage, page * perPage), headers);
}
